// k8s_schema.mjs -- validate docker/k8s/*.yaml against the Kubernetes API schemas
//
// Usage: node k8s_schema.mjs NODE_MODULES FILE...
// NODE_MODULES holds kubernetes-models (the schemas of the Kubernetes OpenAPI document,
// compiled to validators) and js-yaml; docker-test.sh installs pinned versions of both.
// Each document is checked by the model of its apiVersion and kind: types, formats,
// enums and required fields (not unknown fields: the API schemas allow them).
// A broken Deployment is checked first and must fail, so that a validator that accepts
// everything cannot pass. Exit 1 when a document is invalid or has no model.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, ...files] = process.argv.slice(2);
if (!modules || files.length === 0) {
  console.error("usage: node k8s_schema.mjs NODE_MODULES FILE...");
  process.exit(2);
}
const load = (p) => import(pathToFileURL(join(modules, p)).href);
const yaml = (await load("js-yaml/index.js")).default;

// The model of apiVersion + kind: kubernetes-models/<group>/<version>/<Kind>.js, the core
// group ("v1") at kubernetes-models/v1/<Kind>.js.
async function model(apiVersion, kind) {
  if (!/^([a-z0-9.]+\/)?v[0-9a-z]+$/.test(apiVersion ?? "") || !/^[A-Z][A-Za-z]+$/.test(kind ?? ""))
    return null;
  try {
    return (await load(`kubernetes-models/${apiVersion}/${kind}.js`))[kind];
  } catch {
    return null;
  }
}

async function validate(doc) {
  const Model = await model(doc.apiVersion, doc.kind);
  if (!Model) return `no schema for apiVersion ${doc.apiVersion}, kind ${doc.kind}`;
  try {
    new Model(doc).validate();
    return null;
  } catch (e) {
    return e.message;
  }
}

const broken = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "broken" },
  spec: { replicas: "three", template: { spec: { containers: [{ name: "c" }] } } },
};
if ((await validate(broken)) === null) {
  console.log("FAIL the validator accepts a broken Deployment");
  process.exit(1);
}

let bad = 0;
for (const file of files) {
  for (const doc of yaml.loadAll(readFileSync(file, "utf8"))) {
    if (doc == null) continue;
    const err = await validate(doc);
    const what = `${file}: ${doc.apiVersion} ${doc.kind} ${doc.metadata?.name}`;
    console.log(err === null ? `ok   ${what} matches the schema` : `FAIL ${what}: ${err}`);
    if (err !== null) bad++;
  }
}
console.log(`k8s_schema: ${bad === 0 ? "all documents valid" : `${bad} invalid`}`);
process.exit(bad === 0 ? 0 : 1);
