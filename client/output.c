/* output.c -- what the client prints: exact numbers, arrays, the catalog, an entry, advice */
#include "client.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_DEPTH   32 /* deeper JSON is printed by jansson itself (no recursion without end) */
#define TEXT_WIDTH  80 /* text wraps here when stdout is not a terminal */
#define MIN_COLUMNS 20 /* narrower terminals are treated as this wide */
#define LABEL_WIDTH 14 /* "  derivative  " */
#define ALT_REASONS 1  /* an alternative shows its first reason; the recommendation all */

void activ_client_format_double(double v, char buf[32])
{
    /* 17 significant digits always round-trip; a binary search finds the fewest that still
     * do in 4 or 5 tries. Every candidate is read back with strtod before it is kept, so what
     * is printed always reads back as v (-0 included), shortest or not. */
    int lo = 1, hi = 17;
    snprintf(buf, 32, "%.17g", v);
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%.*g", mid, v);
        if (strtod(tmp, NULL) == v) {
            hi = mid;
            memcpy(buf, tmp, sizeof tmp);
        } else {
            lo = mid + 1;
        }
    }
}

/* Writes n bytes of a server's text with control characters shown as '?': its words must not
 * drive the terminal. */
static void put_text(FILE *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fputc((unsigned char)s[i] < 0x20 || s[i] == 0x7F ? '?' : s[i], out);
}

static void put_str(FILE *out, const char *s)
{
    put_text(out, s, strlen(s));
}

static void print_number(FILE *out, const json_t *v)
{
    char buf[32];
    if (json_is_real(v)) {
        activ_client_format_double(json_real_value(v), buf);
        fputs(buf, out);
    } else {
        fprintf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    }
}

/* A JSON string with its quotes and escapes, as jansson writes it. */
static void print_string(FILE *out, const json_t *s)
{
    json_dumpf(s, out, JSON_ENCODE_ANY);
}

static void print_compact(FILE *out, const json_t *v, int depth)
{
    if (depth > MAX_DEPTH) {
        json_dumpf(v, out, JSON_COMPACT | JSON_ENCODE_ANY);
    } else if (json_is_number(v)) {
        print_number(out, v);
    } else if (json_is_array(v)) {
        size_t i;
        const json_t *e;
        fputc('[', out);
        json_array_foreach(v, i, e)
        {
            if (i > 0)
                fputs(", ", out);
            print_compact(out, e, depth + 1);
        }
        fputc(']', out);
    } else if (json_is_object(v)) {
        const char *key;
        const json_t *e;
        bool first = true;
        fputc('{', out);
        /* jansson's object iterator takes a non-const object, though it only reads it */
        json_object_foreach((json_t *)(uintptr_t)v, key, e)
        {
            json_t *k = json_string(key);
            fputs(first ? "" : ", ", out);
            if (k)
                print_string(out, k);
            json_decref(k);
            fputs(": ", out);
            print_compact(out, e, depth + 1);
            first = false;
        }
        fputc('}', out);
    } else {
        json_dumpf(v, out, JSON_ENCODE_ANY);
    }
}

void activ_client_print_compact(FILE *out, const json_t *v)
{
    print_compact(out, v, 0);
}

size_t activ_client_print_params(FILE *out, const json_t *params, const char *open, bool skip_null)
{
    const char *key;
    const json_t *v;
    size_t n = 0;
    /* jansson's object iterator takes a non-const object, though it only reads it */
    json_object_foreach((json_t *)(uintptr_t)params, key, v)
    {
        if (skip_null && json_is_null(v))
            continue;
        put_str(out, n++ ? ", " : open);
        put_str(out, key);
        fputc('=', out);
        print_compact(out, v, 0);
    }
    return n;
}

/* True when v is a non-empty array whose elements all pass `test`. */
static bool all(const json_t *v, bool (*test)(const json_t *))
{
    size_t i;
    const json_t *e;
    if (!json_is_array(v) || json_array_size(v) == 0)
        return false;
    json_array_foreach(v, i, e)
    {
        if (!test(e))
            return false;
    }
    return true;
}

static bool is_number(const json_t *v)
{
    return json_is_number(v);
}

static bool is_string(const json_t *v)
{
    return json_is_string(v);
}

static bool is_vector(const json_t *v)
{
    return all(v, is_number);
}

static bool is_matrix(const json_t *v)
{
    return all(v, is_vector);
}

static void print_row(FILE *out, const json_t *row)
{
    size_t i;
    const json_t *e;
    json_array_foreach(row, i, e)
    {
        if (i > 0)
            fputc(' ', out);
        print_number(out, e);
    }
    fputc('\n', out);
}

static void print_rows(FILE *out, const json_t *matrix)
{
    size_t i;
    const json_t *row;
    json_array_foreach(matrix, i, row) print_row(out, row);
}

void activ_client_print_value(FILE *out, const char *label, const json_t *v)
{
    if (all(v, is_matrix)) {
        size_t i;
        const json_t *m;
        json_array_foreach(v, i, m)
        {
            put_str(out, label);
            fprintf(out, "[%zu] =\n", i);
            print_rows(out, m);
        }
        return;
    }
    put_str(out, label);
    if (json_is_number(v)) {
        fputs(" = ", out);
        print_number(out, v);
        fputc('\n', out);
    } else if (is_vector(v)) {
        fputs(" = ", out);
        print_row(out, v);
    } else if (is_matrix(v)) {
        fputs(" =\n", out);
        print_rows(out, v);
    } else {
        fputs(" = ", out);
        activ_client_print_compact(out, v);
        fputc('\n', out);
    }
}

size_t activ_client_columns(FILE *out, bool table)
{
    int fd = fileno(out);
    if (fd < 0 || !isatty(fd))
        return table ? 0 : TEXT_WIDTH;
    size_t cols = 0;
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        cols = ws.ws_col;
    } else {
        const char *env = getenv("COLUMNS");
        char *end;
        long n = env && *env ? strtol(env, &end, 10) : 0;
        cols = n > 0 && n < 10000 && *end == '\0' ? (size_t)n : TEXT_WIDTH;
    }
    return cols < MIN_COLUMNS ? MIN_COLUMNS : cols;
}

/* ---------------------------------------------------------------- text */

/* Characters (code points) in the first n bytes of UTF-8 text: what a terminal shows. */
static size_t width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

/* Bytes of s that hold its first `chars` characters. */
static size_t prefix_bytes(const char *s, size_t n, size_t chars)
{
    size_t i = 0, w = 0;
    while (i < n) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (w == chars)
                break;
            w++;
        }
        i++;
    }
    return i;
}

static const char *str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* Writes one line, cut to `columns` characters with "..." when it is longer (0: never cut),
 * and without trailing blanks. */
static void emit_line(FILE *out, const char *line, size_t n, size_t columns)
{
    while (n > 0 && line[n - 1] == ' ')
        n--;
    if (columns > 0 && width(line, n) > columns) {
        put_text(out, line, prefix_bytes(line, n, columns - 3));
        fputs("...\n", out);
        return;
    }
    put_text(out, line, n);
    fputc('\n', out);
}

/* The strings of a JSON array joined with ", ", or with key, the string member `key` of each
 * object in it; "-" when there are none. Malloc'd, or NULL. */
static char *joined(const json_t *arr, const char *key)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *m = open_memstream(&buf, &size);
    if (!m)
        return NULL;
    size_t i, n = 0;
    const json_t *e;
    json_array_foreach(arr, i, e)
    {
        const json_t *s = key ? json_object_get(e, key) : e;
        if (json_is_string(s))
            fprintf(m, "%s%s", n++ ? ", " : "", json_string_value(s));
    }
    if (n == 0)
        fputc('-', m);
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void pad(FILE *out, const char *s, size_t to)
{
    size_t w = width(s, strlen(s));
    fputs(s, out);
    for (; w < to; w++)
        fputc(' ', out);
}

bool activ_client_print_catalog(FILE *out, const json_t *catalog, size_t columns)
{
    enum { NAME, KIND, ALIASES, RANGE, SUMMARY, NCOL };
    static const char *const heads[NCOL] = {"NAME", "KIND", "ALIASES", "RANGE", "SUMMARY"};
    const json_t *list = json_object_get(catalog, "activations");
    if (!json_is_array(list))
        return false;
    size_t n = json_array_size(list);
    char **aliases = calloc(n ? n : 1, sizeof *aliases);
    if (!aliases)
        return false;
    bool ok = true;
    size_t w[NCOL];
    for (int c = 0; c < NCOL; c++)
        w[c] = strlen(heads[c]);
    for (size_t i = 0; ok && i < n; i++) {
        const json_t *e = json_array_get(list, i);
        aliases[i] = joined(json_object_get(e, "aliases"), NULL);
        ok = json_is_object(e) && aliases[i];
        const char *cells[] = {str(e, "name"), str(e, "kind"), aliases[i] ? aliases[i] : "",
                               str(e, "range")};
        for (int c = 0; c < SUMMARY; c++) {
            size_t cw = width(cells[c], strlen(cells[c]));
            w[c] = cw > w[c] ? cw : w[c];
        }
    }
    char *line = NULL;
    size_t size = 0;
    for (size_t i = 0; ok && i <= n; i++) {
        const json_t *e = i ? json_array_get(list, i - 1) : NULL;
        const char *cells[NCOL] = {heads[0], heads[1], heads[2], heads[3], heads[4]};
        if (e) {
            cells[NAME] = str(e, "name");
            cells[KIND] = str(e, "kind");
            cells[ALIASES] = aliases[i - 1];
            cells[RANGE] = str(e, "range");
            cells[SUMMARY] = str(e, "summary");
        }
        FILE *m = open_memstream(&line, &size);
        if (!m) {
            ok = false;
            break;
        }
        for (int c = 0; c < NCOL; c++)
            pad(m, cells[c], c < SUMMARY ? w[c] + 2 : 0);
        ok = fclose(m) == 0;
        if (ok)
            emit_line(out, line, size, columns);
        free(line);
        line = NULL;
    }
    for (size_t i = 0; i < n; i++)
        free(aliases[i]);
    free(aliases);
    return ok;
}

/* Prints `prefix` (indent characters wide), then the words of text wrapped at `columns`, with
 * continuation lines indented by `indent`. A word longer than a line stands alone. */
static void print_wrapped(FILE *out, const char *prefix, size_t indent, const char *text,
                          size_t columns)
{
    size_t used = width(prefix, strlen(prefix));
    put_str(out, prefix);
    for (; used < indent; used++)
        fputc(' ', out);
    bool line_empty = true;
    const char *p = text;
    for (;;) {
        while (*p == ' ' || *p == '\n' || *p == '\t')
            p++;
        if (!*p)
            break;
        size_t n = strcspn(p, " \n\t");
        size_t w = width(p, n);
        if (!line_empty && used + 1 + w > columns) {
            fprintf(out, "\n%*s", (int)indent, "");
            used = indent;
            line_empty = true;
        }
        if (!line_empty) {
            fputc(' ', out);
            used++;
        }
        put_text(out, p, n);
        used += w;
        line_empty = false;
        p += n;
    }
    fputc('\n', out);
}

static void print_field(FILE *out, const char *label, const char *text, size_t columns)
{
    if (!*text)
        return;
    char prefix[LABEL_WIDTH + 1];
    snprintf(prefix, sizeof prefix, "  %s", label);
    print_wrapped(out, prefix, LABEL_WIDTH, text, columns);
}

/* The first `max` strings of `items` as "- " bullets `indent` characters in, wrapped. */
static void print_bullets(FILE *out, const json_t *items, size_t indent, size_t max, size_t columns)
{
    char bullet[16];
    size_t i;
    const json_t *e;
    snprintf(bullet, sizeof bullet, "%*s-", (int)indent, "");
    json_array_foreach(items, i, e)
    {
        if (i >= max)
            break;
        if (json_is_string(e))
            print_wrapped(out, bullet, indent + 2, json_string_value(e), columns);
    }
}

static void print_list(FILE *out, const char *title, const json_t *items, size_t columns)
{
    if (!all(items, is_string))
        return;
    fprintf(out, "\n%s\n", title);
    print_bullets(out, items, 2, SIZE_MAX, columns);
}

/* "alpha > 0", "0 <= p < 1", "any value", or for an enum: one of "none", "tanh". */
static void print_domain(FILE *out, const json_t *param)
{
    const char *name = str(param, "name");
    const json_t *d = json_object_get(param, "domain");
    const json_t *values = json_object_get(param, "values");
    const json_t *lo = json_object_get(d, "min"), *hi = json_object_get(d, "max");
    if (json_is_array(values) && json_array_size(values) > 0) {
        fputs("one of ", out);
        size_t i;
        const json_t *v;
        json_array_foreach(values, i, v)
        {
            fputs(i ? ", " : "", out);
            activ_client_print_compact(out, v);
        }
    } else if (json_is_number(lo) && json_is_number(hi)) {
        print_number(out, lo);
        fprintf(out, " %s ", json_is_true(json_object_get(d, "exclusive_min")) ? "<" : "<=");
        put_str(out, name);
        fprintf(out, " %s ", json_is_true(json_object_get(d, "exclusive_max")) ? "<" : "<=");
        print_number(out, hi);
    } else if (json_is_number(lo)) {
        put_str(out, name);
        fprintf(out, " %s ", json_is_true(json_object_get(d, "exclusive_min")) ? ">" : ">=");
        print_number(out, lo);
    } else if (json_is_number(hi)) {
        put_str(out, name);
        fprintf(out, " %s ", json_is_true(json_object_get(d, "exclusive_max")) ? "<" : "<=");
        print_number(out, hi);
    } else {
        fputs("any value", out);
    }
}

static void print_params(FILE *out, const json_t *params, size_t columns)
{
    size_t i;
    const json_t *p;
    if (!json_is_array(params) || json_array_size(params) == 0)
        return;
    fputs("\nparameters\n", out);
    json_array_foreach(params, i, p)
    {
        if (!json_is_object(p))
            continue;
        fputs("  ", out);
        put_str(out, str(p, "name"));
        fputs(" = ", out);
        const json_t *def = json_object_get(p, "default");
        if (def && !json_is_null(def))
            activ_client_print_compact(out, def);
        else
            fputs("(unset)", out);
        fputs("  (", out);
        put_str(out, str(p, "type"));
        fputs("; ", out);
        print_domain(out, p);
        char *aka = joined(json_object_get(p, "aliases"), NULL);
        if (aka && strcmp(aka, "-") != 0) {
            fputs("; also ", out);
            put_str(out, aka);
        }
        free(aka);
        fputs(")\n", out);
        if (*str(p, "doc"))
            print_wrapped(out, "", 6, str(p, "doc"), columns);
    }
}

static const char *yes_no(const json_t *b)
{
    return json_is_true(b) ? "yes" : json_is_false(b) ? "no" : "?";
}

bool activ_client_print_entry(FILE *out, const json_t *e, size_t columns)
{
    if (!json_is_object(e) || !json_is_string(json_object_get(e, "name")))
        return false;
    put_str(out, str(e, "name"));
    char *aka = joined(json_object_get(e, "aliases"), NULL);
    if (aka && strcmp(aka, "-") != 0) {
        fputs(" (also ", out);
        put_str(out, aka);
        fputc(')', out);
    }
    free(aka);
    fputc('\n', out);
    if (*str(e, "summary"))
        print_wrapped(out, "", 2, str(e, "summary"), columns);
    fputc('\n', out);
    print_field(out, "kind", str(e, "kind"), columns);
    print_field(out, "formula", str(e, "formula"), columns);
    print_field(out, "derivative", str(e, "derivative"), columns);
    print_field(out, "range", str(e, "range"), columns);
    const json_t *pr = json_object_get(e, "properties");
    if (json_is_object(pr)) {
        char *text = NULL;
        size_t size = 0;
        FILE *m = open_memstream(&text, &size);
        if (m) {
            fprintf(m, "monotonic: %s; smooth: %s; zero-centered: %s",
                    yes_no(json_object_get(pr, "monotonic")), yes_no(json_object_get(pr, "smooth")),
                    yes_no(json_object_get(pr, "zero_centered")));
            if (*str(pr, "saturation"))
                fprintf(m, "; saturates: %s", str(pr, "saturation"));
            const json_t *g = json_object_get(pr, "max_abs_grad");
            if (json_is_number(g)) {
                fputs("; max |f'|: ", m);
                print_number(m, g);
            }
            if (fclose(m) == 0)
                print_field(out, "properties", text, columns);
        }
        free(text);
    }
    print_field(out, "source", str(e, "source"), columns);
    print_params(out, json_object_get(e, "params"), columns);
    print_list(out, "pros", json_object_get(e, "pros"), columns);
    print_list(out, "cons", json_object_get(e, "cons"), columns);
    print_list(out, "uses", json_object_get(e, "uses"), columns);
    return true;
}

/* ---------------------------------------------------------------- recommendation */

/* "leaky_relu (alpha=0.01)": the activation and those of its parameters that have a value. */
static void print_choice(FILE *out, const json_t *c)
{
    put_str(out, str(c, "activation"));
    if (activ_client_print_params(out, json_object_get(c, "params"), " (", true) > 0)
        fputc(')', out);
}

/* A titled list of candidates: each "  NAME (PARAMS), score S" (the score when there is one),
 * then at most max_reasons of its reasons as bullets below it. */
static void print_candidates(FILE *out, const char *title, const json_t *list, size_t max_reasons,
                             size_t columns)
{
    size_t i;
    const json_t *c;
    if (json_array_size(list) == 0)
        return;
    fprintf(out, "\n%s\n", title);
    json_array_foreach(list, i, c)
    {
        if (!json_is_object(c))
            continue;
        fputs("  ", out);
        print_choice(out, c);
        const json_t *score = json_object_get(c, "score");
        if (json_is_number(score)) {
            fputs(", score ", out);
            print_number(out, score);
        }
        fputc('\n', out);
        print_bullets(out, json_object_get(c, "reasons"), 4, max_reasons, columns);
    }
}

bool activ_client_print_recommendation(FILE *out, const json_t *answer, size_t columns)
{
    const json_t *best = json_object_get(answer, "recommendation");
    if (!json_is_object(best) && !json_is_null(best))
        return false;
    fputs("recommend: ", out);
    if (json_is_object(best)) {
        print_choice(out, best);
        fputc('\n', out);
        print_bullets(out, json_object_get(best, "reasons"), 2, SIZE_MAX, columns);
    } else {
        fputs("nothing (no rule recommends an activation for this query)\n", out);
    }
    print_candidates(out, "alternatives:", json_object_get(answer, "alternatives"), ALT_REASONS,
                     columns);
    print_candidates(out, "avoid:", json_object_get(answer, "avoid"), SIZE_MAX, columns);
    print_list(out, "notes:", json_object_get(answer, "notes"), columns);
    const json_t *fired = json_object_get(answer, "rules_fired");
    char *ids = json_array_size(fired) > 0 ? joined(fired, "id") : NULL;
    if (ids) {
        fputs("\nrules fired:\n", out);
        print_wrapped(out, "", 2, ids, columns);
    }
    free(ids);
    return true;
}
