/* catalog_text.c -- each entry's words: summary, formulas, pros, cons, uses (core: data only) */
#include "activ/catalog.h"

#include <assert.h>

/* Entries whose source starts with "seed" follow the seed survey (seed/000_395e016200075713.txt,
 * section 5): their pros, cons and uses restate what it says, in English. The other entries are
 * written from the defining paper and the PyTorch/Keras/JAX documentation. Formulas use the
 * parameter names of SPEC.md section 1, and each derivative states the value taken at a kink. */

/* ---- binary_step (seed 5.1) ---- */
static const char *const binary_step_pros[] = {
    "The simplest activation there is: one comparison per element, no arithmetic.",
    "Gives a hard yes/no answer, which is exactly what a binary decision needs.",
    NULL,
};
static const char *const binary_step_cons[] = {
    "Its gradient is 0 everywhere, so backpropagation passes no error signal back and "
    "gradient-based training cannot improve the weights at all.",
    "A unit has only two possible outputs, so it cannot express a multi-class answer.",
    NULL,
};
static const char *const binary_step_uses[] = {
    "Binary classifiers that must answer a plain yes or no, such as the classic perceptron "
    "trained with the perceptron rule rather than gradients.",
    "Mostly theoretical and teaching use; switch to sigmoid when the model is trained by "
    "gradient descent.",
    NULL,
};

/* ---- linear (seed 5.2) ---- */
static const char *const linear_pros[] = {
    "Simple and cheap: one multiplication per element.",
    "Graded rather than on/off outputs, so several units can be active at once and a "
    "multi-class decision can take the class with the largest output.",
    "Does not squash its input, so unbounded targets can be reached exactly.",
    NULL,
};
static const char *const linear_cons[] = {
    "The gradient is the constant a whatever the input, so it carries no information about "
    "the input back to earlier layers.",
    "A composition of linear maps is linear: any number of linear layers collapses into a "
    "single linear layer, so hidden layers add no expressive power.",
    NULL,
};
static const char *const linear_uses[] = {
    "Output layer of a regression model whose target is unbounded.",
    "Logits fed to a separate softmax or sigmoid loss, and deliberate linear bottleneck or "
    "projection layers.",
    "Never as the only nonlinearity of a hidden layer: the network would reduce to a linear "
    "model.",
    NULL,
};

/* ---- sigmoid (seed 5.3) ---- */
static const char *const sigmoid_pros[] = {
    "Output lies in (0, 1), so it reads directly as a probability; the bounded range keeps "
    "optimisation stable.",
    "Smooth, continuous and strictly increasing, symmetric about the point (0, 0.5).",
    "Easy to differentiate: f'(x) = f(x)(1 - f(x)) reuses the forward value.",
    "The closest of the classic activations to the firing-rate behaviour of a biological "
    "neuron.",
    NULL,
};
static const char *const sigmoid_cons[] = {
    "Saturates softly at both ends (beyond |x| > 6 the output barely changes): its derivative "
    "is at most 0.25, so each layer scales the gradient by at most 0.25 (before weights) and "
    "deep stacks suffer vanishing gradients, often within about 5 layers.",
    "Not zero-centred: every output is positive, which biases the next layer's inputs and "
    "slows convergence.",
    "Needs an exponential, which costs more than the comparisons of ReLU.",
    NULL,
};
static const char *const sigmoid_uses[] = {
    "Output layer of a binary classifier, giving P(class = 1).",
    "Multi-label outputs: one independent sigmoid per class when classes are not mutually "
    "exclusive.",
    "Gates in LSTM and GRU cells, where a value in (0, 1) decides how much to let through.",
    NULL,
};

/* ---- tanh (seed 5.4) ---- */
static const char *const tanh_pros[] = {
    "Zero-centred output in (-1, 1), unlike sigmoid, so the next layer gets inputs of both "
    "signs.",
    "Usually converges faster than sigmoid; its derivative peaks at 1 (at x = 0) instead of "
    "0.25.",
    "Smooth and strictly increasing; tanh(x) = 2 sigmoid(2x) - 1.",
    NULL,
};
static const char *const tanh_cons[] = {
    "Still saturates at both ends, so it keeps sigmoid's main problem: gradients vanish in "
    "deep stacks.",
    "Needs exponentials, which cost more than ReLU's comparison.",
    NULL,
};
static const char *const tanh_uses[] = {
    "Hidden state of recurrent networks (RNN, LSTM, GRU), where the bounded range keeps "
    "repeated updates in check.",
    "Layers whose features differ markedly, where tanh works well.",
    "Outputs that must lie in [-1, 1], such as signals or images scaled to that range.",
    NULL,
};

/* ---- relu (seed 5.5) ---- */
static const char *const relu_pros[] = {
    "Does not saturate for x > 0: the gradient there is exactly 1, which greatly reduces "
    "vanishing gradients.",
    "Cheap: a comparison instead of the exponentials of sigmoid and tanh.",
    "Converges much faster with SGD than sigmoid or tanh, and trains deep networks without "
    "unsupervised layer-wise pre-training.",
    "Sparse activations: every negative input gives exactly 0.",
    NULL,
};
static const char *const relu_cons[] = {
    "Dead neurons: a unit pushed into x < 0 for every input (often by a large update from too "
    "high a learning rate) gets zero gradient and never recovers.",
    "Not zero-centred: outputs are never negative, so the mean activation is positive.",
    "Unbounded above, so activations are not limited in size.",
    NULL,
};
static const char *const relu_uses[] = {
    "The default first choice for hidden layers of MLPs and CNNs; try other activations only "
    "if it does not work well.",
    "Hidden layers only: it is not an output activation.",
    "Keep the learning rate moderate to limit dead units; if many die, try leaky ReLU, PReLU "
    "or maxout.",
    NULL,
};

/* ---- leaky_relu (seed 5.5.7) ---- */
static const char *const leaky_relu_pros[] = {
    "Removes ReLU's hard saturation for x < 0: the small slope alpha keeps a gradient flowing, "
    "so units cannot die.",
    "As cheap as ReLU, and identical to it for x > 0.",
    NULL,
};
static const char *const leaky_relu_cons[] = {
    "alpha is a fixed hyper-parameter (0.01 by default; the seed writes it as 1/a with a > 1) "
    "that must be chosen by hand.",
    "With a small alpha, negative inputs still learn only slowly, and gains over ReLU vary "
    "from task to task.",
    "Not differentiable at 0, and outputs stay mostly positive because negative inputs are "
    "shrunk by alpha.",
    NULL,
};
static const char *const leaky_relu_uses[] = {
    "Replacement for ReLU when many units have died or the learning rate must be high.",
    "Discriminators of GANs, where alpha = 0.2 is a common choice.",
    NULL,
};

/* ---- prelu (seed 5.5.7) ---- */
static const char *const prelu_pros[] = {
    "Learns the negative slope alpha from data (one value, or one per channel), so it need not "
    "be tuned by hand.",
    "Costs only one extra parameter per channel, and keeps units from dying.",
    "Helped He et al. (2015) reach 4.94% top-5 error on ImageNet.",
    NULL,
};
static const char *const prelu_cons[] = {
    "The extra parameters can overfit on small data sets.",
    "Weight decay on alpha pulls it towards 0 (back to ReLU): the original paper initialises "
    "alpha to 0.25 and applies no regularisation to it.",
    "Not differentiable at 0.",
    NULL,
};
static const char *const prelu_uses[] = {
    "Deep CNNs trained on large data sets, as a drop-in replacement for ReLU.",
    "Networks with many dead ReLU units, when a fixed leaky slope is not enough.",
    NULL,
};

/* ---- elu (seed 5.6) ---- */
static const char *const elu_pros[] = {
    "Combines ReLU and sigmoid: linear (no saturation) for x > 0, which eases vanishing "
    "gradients, and soft saturation to -alpha for x < 0, which makes it robust to noise.",
    "Mean output is close to zero, so training converges faster.",
    "Trains deep networks without batch normalisation: on ImageNet, ELU networks of over 30 "
    "layers converged where ReLU networks did not and PReLU networks diverged.",
    NULL,
};
static const char *const elu_cons[] = {
    "Needs an exponential for x < 0, slower than ReLU.",
    "alpha is a hyper-parameter; with alpha != 1 the derivative jumps at 0 (from alpha to 1).",
    NULL,
};
static const char *const elu_uses[] = {
    "Deep feed-forward and convolutional networks trained without batch normalisation.",
    "Hidden layers where zero-centred activations should speed up training.",
    NULL,
};

/* ---- selu ---- */
static const char *const selu_pros[] = {
    "Self-normalising: its constants make mean 0 and variance 1 a stable, attracting fixed "
    "point, so activations stay normalised through many layers without batch normalisation.",
    "Lets deep plain feed-forward networks train; the paper reports strong results on 121 UCI "
    "tasks and on drug-discovery data.",
    NULL,
};
static const char *const selu_cons[] = {
    "The guarantee needs LeCun-normal initialisation (variance 1/fan_in), standardised inputs, "
    "a plain feed-forward stack and alpha-dropout instead of ordinary dropout.",
    "Benefits for convolutional, recurrent and residual networks are less established.",
    "The slope is scale ~ 1.0507 for x > 0 and up to scale * alpha ~ 1.7581 just left of 0, so "
    "gradients can grow if the conditions above are broken.",
    NULL,
};
static const char *const selu_uses[] = {
    "Deep fully connected networks on tabular data, without batch normalisation.",
    "Any MLP meant to self-normalise, built with LeCun-normal weights and alpha-dropout.",
    NULL,
};

/* ---- celu ---- */
static const char *const celu_pros[] = {
    "Continuously differentiable for every alpha > 0 (the slope is 1 on both sides of 0), "
    "unlike ELU, which is only for alpha = 1.",
    "Equals ELU when alpha = 1, and celu(x, alpha) = alpha * celu(x / alpha, 1), so alpha "
    "rescales the curve without changing its shape.",
    "Bounded below by -alpha, with near-zero mean outputs like ELU.",
    NULL,
};
static const char *const celu_cons[] = {
    "Needs an exponential for x < 0, slower than ReLU.",
    "alpha must be positive and chosen; little evidence that it beats ELU in practice.",
    NULL,
};
static const char *const celu_uses[] = {
    "Drop-in replacement for ELU when alpha is tuned and a smooth derivative is wanted.",
    "Models whose gradients are themselves outputs (e.g. forces from a learned energy), "
    "where a continuous first derivative avoids jumps.",
    NULL,
};

/* ---- gelu ---- */
static const char *const gelu_pros[] = {
    "Smooth everywhere; weights the input by the probability Phi(x) that a standard normal "
    "variable is below it, a deterministic form of stochastic regularisation.",
    "The usual activation of transformers: BERT, GPT-2 and ViT all use it.",
    "Close to ReLU for large |x|, so it keeps ReLU's non-saturating right side.",
    NULL,
};
static const char *const gelu_cons[] = {
    "Not monotonic: it dips to about -0.17 near x = -0.75, and its slope ranges from about "
    "-0.13 to 1.13.",
    "Costs an erf (or a tanh) per element, more than ReLU.",
    "Two variants: the tanh approximation differs from the exact form by up to about 5e-4; "
    "evaluate a trained model with the variant it was trained with (GPT-2 uses tanh).",
    NULL,
};
static const char *const gelu_uses[] = {
    "Feed-forward blocks of transformers for language and vision.",
    "Hidden layers where a smooth ReLU-like activation is wanted.",
    NULL,
};

/* ---- silu ---- */
static const char *const silu_pros[] = {
    "Smooth and non-monotonic, bounded below (about -0.278 at x ~ -1.278 for beta = 1) and "
    "unbounded above.",
    "Often matches or beats ReLU in deep networks; found by automated search for activations.",
    "beta interpolates between x/2 (beta = 0) and ReLU (beta -> infinity).",
    NULL,
};
static const char *const silu_cons[] = {
    "Costs an exponential per element, more than ReLU.",
    "Not monotonic, and its slope exceeds 1 (up to about 1.1 for beta = 1).",
    NULL,
};
static const char *const silu_uses[] = {
    "Hidden layers of deep CNNs such as EfficientNet and YOLOv5.",
    "The gate of SwiGLU feed-forward blocks in large language models.",
    "Value networks in reinforcement learning (Elfwing et al.).",
    NULL,
};

/* ---- mish ---- */
static const char *const mish_pros[] = {
    "Smooth and non-monotonic, like swish; bounded below (about -0.309 at x ~ -1.19) and "
    "unbounded above.",
    "Reported to match or slightly beat swish and ReLU on image tasks; used in the YOLOv4 "
    "backbone.",
    NULL,
};
static const char *const mish_cons[] = {
    "Costlier than ReLU and swish: it needs an exp, a log and a tanh per element.",
    "Gains over swish are small and depend on the data set.",
    NULL,
};
static const char *const mish_uses[] = {
    "Hidden layers of CNNs for detection and classification, as a swish alternative.",
    "An experiment in place of ReLU or swish when a small accuracy gain justifies the extra "
    "compute.",
    NULL,
};

/* ---- softplus ---- */
static const char *const softplus_pros[] = {
    "Smooth approximation of ReLU whose derivative is sigmoid(beta x), so it never has a zero "
    "gradient.",
    "Output is always positive; beta sets the sharpness (large beta approaches ReLU).",
    NULL,
};
static const char *const softplus_cons[] = {
    "Never outputs exactly 0, so it gives no sparsity, and hidden layers with it have trained "
    "no better than with ReLU.",
    "Costs an exp and a log per element.",
    "Saturates for very negative inputs (gradient sigmoid(beta x) -> 0).",
    NULL,
};
static const char *const softplus_uses[] = {
    "Outputs that must be positive: standard deviations, variances, rates and other scale "
    "parameters.",
    "Smooth ReLU replacement where a second derivative is needed.",
    NULL,
};

/* ---- softsign ---- */
static const char *const softsign_pros[] = {
    "Zero-centred output in (-1, 1), like tanh, but with no exponential.",
    "Approaches its asymptotes polynomially, so it saturates more gently than tanh: the "
    "gradient decays like 1/x^2 rather than exponentially.",
    NULL,
};
static const char *const softsign_cons[] = {
    "Still saturates, so gradients shrink for large |x|.",
    "Rarely used, so there is little tuning advice or tooling for it.",
    NULL,
};
static const char *const softsign_uses[] = {
    "A cheaper tanh replacement where outputs must lie in (-1, 1).",
    "Hidden layers where tanh saturates too quickly: softsign keeps more gradient for large "
    "inputs.",
    NULL,
};

/* ---- hardtanh ---- */
static const char *const hardtanh_pros[] = {
    "Piecewise linear tanh substitute: a clamp, with no exponential.",
    "Bounded output in [min_val, max_val], with slope exactly 1 between the bounds.",
    NULL,
};
static const char *const hardtanh_cons[] = {
    "Gradient is exactly 0 outside the bounds, so saturated units stop learning.",
    "Not differentiable at the two bounds.",
    NULL,
};
static const char *const hardtanh_uses[] = {
    "Cheap bounded activation for low-power or quantised inference.",
    "Clipping activations to a fixed range, e.g. in binarised networks.",
    NULL,
};

/* ---- relu6 ---- */
static const char *const relu6_pros[] = {
    "Caps ReLU at 6, so activations fit a fixed range, which keeps low-precision (e.g. 8-bit) "
    "inference accurate.",
    "As cheap as ReLU.",
    NULL,
};
static const char *const relu6_cons[] = {
    "Gradient is 0 both below 0 and above 6, so units can die on either side.",
    "The cap at 6 is arbitrary and can clip useful large activations.",
    NULL,
};
static const char *const relu6_uses[] = {
    "Mobile and embedded networks (MobileNetV2) quantised for low-precision inference.",
    "Any ReLU network to be quantised to fixed point, where the known range [0, 6] sets the "
    "scale.",
    NULL,
};

/* ---- hardsigmoid ---- */
static const char *const hardsigmoid_pros[] = {
    "Piecewise linear sigmoid substitute: no exponential, friendly to quantisation.",
    "Output in [0, 1], like sigmoid.",
    NULL,
};
static const char *const hardsigmoid_cons[] = {
    "Gradient is 0 outside (-3, 3), so saturated units stop learning.",
    "Libraries disagree on the slope: this one is relu6(x + 3)/6 (PyTorch, MobileNetV3), "
    "while older Keras/TensorFlow used clip(0.2x + 0.5, 0, 1).",
    NULL,
};
static const char *const hardsigmoid_uses[] = {
    "Gates of squeeze-and-excitation blocks in MobileNetV3 and other mobile networks.",
    "Any sigmoid gate where inference cost matters.",
    NULL,
};

/* ---- hardswish ---- */
static const char *const hardswish_pros[] = {
    "Piecewise polynomial approximation of swish: no exponential, cheap and "
    "quantisation-friendly.",
    "Keeps swish's accuracy benefits in mobile networks.",
    NULL,
};
static const char *const hardswish_cons[] = {
    "Not monotonic (minimum -0.375 at x = -1.5), and its derivative jumps at x = -3 and x = 3.",
    "Gradient is 0 for x <= -3.",
    NULL,
};
static const char *const hardswish_uses[] = {
    "Mobile CNNs (MobileNetV3), mainly in the deeper layers.",
    "Where compute is low and swish-like accuracy is wanted.",
    NULL,
};

/* ---- log_sigmoid ---- */
static const char *const log_sigmoid_pros[] = {
    "Computes log(sigmoid(x)) stably: the naive form gives log(0) = -inf once sigmoid(x) "
    "underflows, below about x = -745.",
    "Smooth and increasing, with derivative 1 - sigmoid(x) in (0, 1).",
    NULL,
};
static const char *const log_sigmoid_cons[] = {
    "Unbounded below and always negative, so it is not a general hidden-layer activation.",
    "Saturates for large positive x (its derivative 1 - sigmoid(x) tends to 0) and costs an "
    "exp and a log per element.",
    NULL,
};
static const char *const log_sigmoid_uses[] = {
    "Log-likelihoods of binary outcomes: logistic loss and binary cross-entropy from logits.",
    "Objectives such as negative sampling, which sum log sigmoid(score) terms.",
    NULL,
};

/* ---- tanhshrink ---- */
static const char *const tanhshrink_pros[] = {
    "Smooth, odd and increasing; flat near 0 (about x^3/3), so it suppresses small inputs "
    "while large ones pass with slope near 1.",
    "No parameters to tune, and its derivative lies in [0, 1), so it cannot amplify "
    "gradients.",
    NULL,
};
static const char *const tanhshrink_cons[] = {
    "Its derivative tanh^2(x) is near 0 around the origin, so small inputs learn slowly.",
    "Rarely used, with little published evidence behind it.",
    NULL,
};
static const char *const tanhshrink_uses[] = {
    "A smooth alternative to softshrink where small values should be damped.",
    "Experiments where an odd activation should act like the identity for large |x| (slope "
    "tends to 1) and vanish near 0.",
    NULL,
};

/* ---- softshrink ---- */
static const char *const softshrink_pros[] = {
    "Soft-thresholding: the proximal operator of the L1 penalty lambda |x|, so it produces "
    "exact zeros and sparse codes.",
    "Continuous and monotonic; moves every surviving value lambda towards 0.",
    NULL,
};
static const char *const softshrink_cons[] = {
    "Gradient is 0 inside [-lambda, lambda], so those units get no learning signal.",
    "Shrinks large values by lambda as well, which biases them.",
    NULL,
};
static const char *const softshrink_uses[] = {
    "Sparse coding and unrolled ISTA/LISTA networks.",
    "Wavelet and transform-domain denoising.",
    NULL,
};

/* ---- hardshrink ---- */
static const char *const hardshrink_pros[] = {
    "Hard-thresholding: zeroes small values and leaves large ones unchanged (no bias).",
    "Produces exact zeros, so codes are sparse.",
    NULL,
};
static const char *const hardshrink_cons[] = {
    "Discontinuous at +-lambda (it jumps from 0 to +-lambda).",
    "Gradient is 0 inside [-lambda, lambda].",
    NULL,
};
static const char *const hardshrink_uses[] = {
    "Sparse approximation and wavelet denoising where large coefficients must stay unbiased.",
    "Pruning small activations to exact zeros at inference to sparsify computation.",
    NULL,
};

/* ---- threshold ---- */
static const char *const threshold_pros[] = {
    "Generalises ReLU: any cut-off and any replacement value (the defaults give ReLU).",
    "Cheap: one comparison.",
    NULL,
};
static const char *const threshold_cons[] = {
    "Discontinuous at the threshold unless value equals threshold.",
    "Gradient is 0 at and below the threshold, so units there stop learning.",
    NULL,
};
static const char *const threshold_uses[] = {
    "Porting models from Lua Torch/PyTorch that use nn.Threshold.",
    "Clamping small activations to a floor value.",
    NULL,
};

/* ---- rrelu ---- */
static const char *const rrelu_pros[] = {
    "During training, the random negative slope drawn from U(lower, upper) acts as a "
    "regulariser and reduced overfitting in the original experiments.",
    "Like leaky ReLU, keeps a gradient for x < 0, so units do not die.",
    NULL,
};
static const char *const rrelu_cons[] = {
    "Training is non-deterministic; activ evaluates the deterministic inference form, a leaky "
    "ReLU with slope (lower + upper)/2.",
    "Less widely supported than leaky ReLU.",
    NULL,
};
static const char *const rrelu_uses[] = {
    "CNNs on small data sets where extra regularisation helps.",
    "Training-time replacement for leaky ReLU in networks that overfit.",
    NULL,
};

/* ---- squareplus ---- */
static const char *const squareplus_pros[] = {
    "Softplus-like smooth rectifier built from a square root only: no exp or log, so it is "
    "cheaper to compute than softplus.",
    "Output always positive for b > 0; b sets the width of the curved region, and b = 0 gives "
    "ReLU.",
    NULL,
};
static const char *const squareplus_cons[] = {
    "Its tails approach 0 and x only polynomially, so it is not an exact softplus "
    "replacement.",
    "Recent and little tested on large models.",
    NULL,
};
static const char *const squareplus_uses[] = {
    "Wherever softplus is used (positive outputs, smooth ReLU) and speed matters.",
    "Positive outputs (scales, rates) on hardware without fast exp and log.",
    NULL,
};

/* ---- sparse_plus ---- */
static const char *const sparse_plus_pros[] = {
    "Sparse counterpart of softplus: exactly 0 for x <= -1 and exactly x for x >= 1, smooth, "
    "convex and monotonic in between.",
    "Its derivative is sparse_sigmoid, so it has no kink.",
    NULL,
};
static const char *const sparse_plus_cons[] = {
    "Gradient is exactly 0 for x <= -1, so units there stop learning.",
    "Little used outside JAX and Keras.",
    NULL,
};
static const char *const sparse_plus_uses[] = {
    "Softplus replacement when exact zeros are wanted, e.g. with sparse (Fenchel-Young) "
    "losses.",
    "Positive outputs that must be exactly 0 below a cut-off yet smooth around it.",
    NULL,
};

/* ---- sparse_sigmoid ---- */
static const char *const sparse_sigmoid_pros[] = {
    "Sparse counterpart of sigmoid: reaches exactly 0 and 1 outside [-1, 1]; it is "
    "sparsemax over the two logits (x, 0), as sigmoid is softmax over them.",
    "Piecewise linear and cheap.",
    NULL,
};
static const char *const sparse_sigmoid_cons[] = {
    "Gradient is 0 outside (-1, 1), so saturated units stop learning.",
    "Not differentiable at +-1.",
    NULL,
};
static const char *const sparse_sigmoid_uses[] = {
    "Binary probabilities that may be exactly 0 or 1, and gates that should switch fully "
    "off.",
    "The two-class counterpart of sparsemax, in models that use sparsemax for multi-class "
    "outputs.",
    NULL,
};

/* ---- exponential ---- */
static const char *const exponential_pros[] = {
    "Maps any real input to a positive output; its derivative equals its value.",
    "Natural inverse link for quantities modelled in log space.",
    NULL,
};
static const char *const exponential_cons[] = {
    "Explodes quickly: e^x overflows binary64 above x ~ 709.78, and large inputs give huge "
    "gradients.",
    "Not zero-centred; never used as a general hidden activation.",
    NULL,
};
static const char *const exponential_uses[] = {
    "Output layer predicting a positive rate or scale from a log-space value, e.g. a Poisson "
    "rate.",
    "Scales predicted in log space, e.g. a standard deviation exp(s); bound s first so that "
    "e^s cannot overflow.",
    NULL,
};

/* ---- lisht ---- */
static const char *const lisht_pros[] = {
    "Smooth and non-saturating: grows like |x| at both ends, so large inputs keep a gradient "
    "of magnitude about 1.",
    "Uses negative inputs instead of zeroing them, so units do not die.",
    NULL,
};
static const char *const lisht_cons[] = {
    "Even function: x and -x give the same output, so the sign of the input is lost.",
    "Not monotonic (decreasing for x < 0) and never negative; little used in practice.",
    NULL,
};
static const char *const lisht_uses[] = {
    "Experiments with MLPs, CNNs and LSTMs as an alternative to ReLU and tanh.",
    "A replacement for ReLU when units die and a response symmetric in the sign of the input "
    "is acceptable.",
    NULL,
};

/* ---- snake ---- */
static const char *const snake_pros[] = {
    "Adds a periodic bias: networks with it can extrapolate periodic signals, where ReLU and "
    "tanh networks extrapolate linearly or flatly.",
    "Monotonic, with slope 1 + sin(2 a x) in [0, 2], so it keeps ReLU-like optimisation.",
    NULL,
};
static const char *const snake_cons[] = {
    "frequency is one more hyper-parameter (or a learned per-channel parameter).",
    "Costs a sine per element; wasted on data with no periodic structure.",
    NULL,
};
static const char *const snake_uses[] = {
    "Time series with periodic patterns (temperature, seasonal data).",
    "Neural audio vocoders and codecs such as BigVGAN and DAC, with learned frequencies.",
    NULL,
};

/* ---- softmax (seed 5.7) ---- */
static const char *const softmax_pros[] = {
    "Turns a row of K scores into a probability distribution: every output is in (0, 1) and "
    "they sum to 1.",
    "Generalises sigmoid to K classes and is easy to control in classification; with "
    "cross-entropy the gradient is simply p - y.",
    "Adding a constant to every score leaves it unchanged, so subtracting the row maximum "
    "avoids overflow.",
    NULL,
};
static const char *const softmax_cons[] = {
    "Assumes the classes are mutually exclusive; it is wrong for multi-label problems.",
    "Needs K exponentials and a normalising sum per row.",
    "Saturates when one score dominates, giving over-confident outputs with tiny gradients.",
    NULL,
};
static const char *const softmax_uses[] = {
    "Output layer of multi-class classifiers whose classes are mutually exclusive; use one "
    "sigmoid per class (or several binary classifiers) when they are not.",
    "Attention weights in transformers.",
    NULL,
};

/* ---- log_softmax ---- */
static const char *const log_softmax_pros[] = {
    "Log-probabilities computed stably: never log(0), even when a probability underflows.",
    "With a negative log-likelihood loss it gives cross-entropy; the Jacobian needs only "
    "softmax.",
    NULL,
};
static const char *const log_softmax_cons[] = {
    "Outputs are not probabilities (they are <= 0); exponentiate to get them.",
    "Same mutual-exclusivity assumption as softmax.",
    NULL,
};
static const char *const log_softmax_uses[] = {
    "Classifier outputs trained with NLL loss (PyTorch's LogSoftmax + NLLLoss).",
    "Scoring sequences by summing token log-probabilities, e.g. in beam search.",
    NULL,
};

/* ---- softmin ---- */
static const char *const softmin_pros[] = {
    "Softmax of the negated row: the smallest input gets the largest weight, and the outputs "
    "sum to 1.",
    "Smooth in every input, with softmax's simple Jacobian up to sign.",
    NULL,
};
static const char *const softmin_cons[] = {
    "Same cost and saturation as softmax.",
    "Depends only on differences between entries; scale the inputs (a temperature) to make it "
    "sharper or softer.",
    NULL,
};
static const char *const softmin_uses[] = {
    "Turning distances or costs into weights, e.g. soft nearest-neighbour assignment.",
    "A differentiable soft minimum: attention or pooling that should favour the lowest-cost "
    "option.",
    NULL,
};

/* ---- sparsemax ---- */
static const char *const sparsemax_pros[] = {
    "Like softmax, outputs a probability distribution, but it can assign exactly 0 to "
    "low-scoring entries, giving sparse, interpretable weights.",
    "Piecewise linear, with a simple Jacobian; computable by sorting in O(K log K).",
    NULL,
};
static const char *const sparsemax_cons[] = {
    "Entries outside the support get zero gradient, so their scores receive no signal.",
    "Zero probabilities make log-likelihood losses infinite; train with the sparsemax loss "
    "instead.",
    "Not differentiable where the support changes.",
    NULL,
};
static const char *const sparsemax_uses[] = {
    "Sparse attention that picks out a few relevant inputs.",
    "Multi-label classification with the sparsemax loss.",
    NULL,
};

/* ---- glu ---- */
static const char *const glu_pros[] = {
    "Learned gating: one half of the row decides how much of the other half passes.",
    "The ungated half gives a linear path for the gradient, which reduces vanishing gradients "
    "compared with tanh-based gates.",
    "Its variants (SwiGLU, GeGLU) improve transformer feed-forward blocks.",
    NULL,
};
static const char *const glu_cons[] = {
    "Halves the last axis, so the layer before it must be twice as wide (more parameters).",
    "The row length must be even.",
    NULL,
};
static const char *const glu_uses[] = {
    "Gated convolutional language models.",
    "Transformer feed-forward blocks (with sigmoid here; SwiGLU uses swish instead).",
    NULL,
};

/* ---- crelu ---- */
static const char *const crelu_pros[] = {
    "Keeps both the positive and the negative part of each input, so no information is lost: "
    "x = relu(x) - relu(-x).",
    "Matches the paired, opposite-phase filters that early CNN layers learn, so those layers "
    "can use half as many filters.",
    NULL,
};
static const char *const crelu_cons[] = {
    "Doubles the last axis, so the next layer is twice as wide.",
    "For each element one of the two halves is always 0.",
    NULL,
};
static const char *const crelu_uses[] = {
    "Early convolutional layers of image networks.",
    "Networks whose first layers would otherwise learn redundant negated filters, to cut "
    "their filter count.",
    NULL,
};

/* ---- maxout (seed 5.8) ---- */
static const char *const maxout_pros[] = {
    "Very expressive: the max of k linear pieces can approximate any convex function, and it "
    "includes ReLU and leaky ReLU as special cases.",
    "Piecewise linear and does not saturate, so units do not die.",
    "Designed to work with dropout.",
    NULL,
};
static const char *const maxout_cons[] = {
    "Multiplies parameters and compute by k (k = 2 doubles them).",
    "k must be chosen by hand, much as dropout needs its rate.",
    "Only the winning piece gets a gradient.",
    NULL,
};
static const char *const maxout_uses[] = {
    "Alternative to ReLU when many units die, alongside leaky ReLU and PReLU.",
    "Networks trained with dropout; in CNNs, a maxout feature map is the max over k feature "
    "maps.",
    NULL,
};

const activ_catalog_text activ_catalog_texts[ACTIV_FN_COUNT] = {
    [ACTIV_FN_BINARY_STEP] =
        {
            .summary = "Outputs 1 when the input reaches the threshold and 0 otherwise: the "
                       "all-or-nothing firing rule of the classic perceptron.",
            .formula_latex = "f(x) = \\begin{cases} 1 & x \\ge \\text{threshold} \\\\ "
                             "0 & x < \\text{threshold} \\end{cases}",
            .derivative_latex = "f'(x) = 0 \\text{ for every } x \\text{ (also 0 at } "
                                "x = \\text{threshold, where the step jumps)}",
            .pros = binary_step_pros,
            .cons = binary_step_cons,
            .uses = binary_step_uses,
            .source = "seed 5.1; Rosenblatt, The Perceptron (1958)",
        },
    [ACTIV_FN_LINEAR] =
        {
            .summary = "Scales the input by a constant a, leaving it otherwise unchanged.",
            .formula_latex = "f(x) = a x",
            .derivative_latex = "f'(x) = a \\text{ (constant; no kink)}",
            .pros = linear_pros,
            .cons = linear_cons,
            .uses = linear_uses,
            .source = "seed 5.2; Goodfellow et al., Deep Learning (2016) 6.2.2.1",
        },
    [ACTIV_FN_SIGMOID] =
        {
            .summary = "The logistic function: squashes any real input smoothly into (0, 1).",
            .formula_latex = "f(x) = \\sigma(x) = \\frac{1}{1 + e^{-x}}",
            .derivative_latex = "f'(x) = \\sigma(x)\\,(1 - \\sigma(x)) \\le \\tfrac{1}{4} "
                                "\\text{ (maximum at } x = 0\\text{; no kink)}",
            .pros = sigmoid_pros,
            .cons = sigmoid_cons,
            .uses = sigmoid_uses,
            .source = "seed 5.3; Goodfellow et al., Deep Learning (2016) 6.3.2",
        },
    [ACTIV_FN_TANH] =
        {
            .summary = "The hyperbolic tangent: a zero-centred sigmoid shape with outputs in "
                       "(-1, 1).",
            .formula_latex = "f(x) = \\tanh x = \\frac{1 - e^{-2x}}{1 + e^{-2x}}",
            .derivative_latex = "f'(x) = 1 - \\tanh^2 x \\le 1 "
                                "\\text{ (maximum at } x = 0\\text{; no kink)}",
            .pros = tanh_pros,
            .cons = tanh_cons,
            .uses = tanh_uses,
            .source = "seed 5.4; Goodfellow et al., Deep Learning (2016) 6.3.2",
        },
    [ACTIV_FN_RELU] =
        {
            .summary = "The rectified linear unit: passes positive inputs unchanged and "
                       "zeroes negative ones.",
            .formula_latex = "f(x) = \\max(0, x)",
            .derivative_latex = "f'(x) = \\begin{cases} 1 & x > 0 \\\\ 0 & x \\le 0 "
                                "\\end{cases} \\quad (f'(0) = 0)",
            .pros = relu_pros,
            .cons = relu_cons,
            .uses = relu_uses,
            .source = "seed 5.5; Glorot, Bordes & Bengio, Deep Sparse Rectifier Neural "
                      "Networks (2011)",
        },
    [ACTIV_FN_LEAKY_RELU] =
        {
            .summary = "ReLU with a small fixed slope alpha for negative inputs, so the "
                       "gradient never vanishes completely.",
            .formula_latex = "f(x) = \\begin{cases} x & x \\ge 0 \\\\ \\alpha x & x < 0 "
                             "\\end{cases}",
            .derivative_latex = "f'(x) = \\begin{cases} 1 & x > 0 \\\\ \\alpha & x \\le 0 "
                                "\\end{cases} \\quad (f'(0) = \\alpha)",
            .pros = leaky_relu_pros,
            .cons = leaky_relu_cons,
            .uses = leaky_relu_uses,
            .source = "seed 5.5.7; Maas, Hannun & Ng, Rectifier Nonlinearities Improve "
                      "Neural Network Acoustic Models (2013)",
        },
    [ACTIV_FN_PRELU] =
        {
            .summary = "Leaky ReLU whose negative slope alpha is learned, either shared or one "
                       "per feature of the last axis.",
            .formula_latex = "f(x) = \\begin{cases} x & x \\ge 0 \\\\ \\alpha x & x < 0 "
                             "\\end{cases} \\quad (\\alpha \\text{ learned, shared or per "
                             "feature)}",
            .derivative_latex = "\\frac{\\partial f}{\\partial x} = \\begin{cases} 1 & x > 0 "
                                "\\\\ \\alpha & x \\le 0 \\end{cases} \\quad (\\alpha "
                                "\\text{ at } x = 0), \\qquad \\frac{\\partial f}{\\partial "
                                "\\alpha} = \\begin{cases} 0 & x > 0 \\\\ x & x \\le 0 "
                                "\\end{cases}",
            .pros = prelu_pros,
            .cons = prelu_cons,
            .uses = prelu_uses,
            .source = "seed 5.5.7; He et al., Delving Deep into Rectifiers (2015)",
        },
    [ACTIV_FN_ELU] =
        {
            .summary = "Exponential linear unit: identity for positive inputs, a smooth "
                       "exponential approach to -alpha for negative ones.",
            .formula_latex = "f(x) = \\begin{cases} x & x > 0 \\\\ \\alpha (e^{x} - 1) & "
                             "x \\le 0 \\end{cases}",
            .derivative_latex = "f'(x) = \\begin{cases} 1 & x > 0 \\\\ \\alpha e^{x} & "
                                "x \\le 0 \\end{cases} \\quad (f'(0) = \\alpha)",
            .pros = elu_pros,
            .cons = elu_cons,
            .uses = elu_uses,
            .source = "seed 5.6; Clevert, Unterthiner & Hochreiter, Fast and Accurate Deep "
                      "Network Learning by Exponential Linear Units (2015)",
        },
    [ACTIV_FN_SELU] =
        {
            .summary = "Scaled ELU with fixed constants chosen so that activations "
                       "self-normalise towards mean 0 and variance 1.",
            .formula_latex = "f(x) = \\text{scale} \\cdot \\begin{cases} x & x > 0 \\\\ "
                             "\\alpha (e^{x} - 1) & x \\le 0 \\end{cases}, \\quad "
                             "\\text{scale} \\approx 1.0507,\\ \\alpha \\approx 1.6733",
            .derivative_latex = "f'(x) = \\text{scale} \\cdot \\begin{cases} 1 & x > 0 \\\\ "
                                "\\alpha e^{x} & x \\le 0 \\end{cases} \\quad (f'(0) = "
                                "\\text{scale} \\cdot \\alpha \\approx 1.7581)",
            .pros = selu_pros,
            .cons = selu_cons,
            .uses = selu_uses,
            .source = "Klambauer et al., Self-Normalizing Neural Networks (2017)",
        },
    [ACTIV_FN_CELU] =
        {
            .summary = "Continuously differentiable ELU: the exponential is rescaled by alpha "
                       "so the slope is 1 on both sides of 0.",
            .formula_latex = "f(x) = \\max(0, x) + \\min(0, \\alpha (e^{x/\\alpha} - 1))",
            .derivative_latex = "f'(x) = \\begin{cases} 1 & x \\ge 0 \\\\ e^{x/\\alpha} & "
                                "x < 0 \\end{cases} \\quad (f'(0) = 1)",
            .pros = celu_pros,
            .cons = celu_cons,
            .uses = celu_uses,
            .source = "Barron, Continuously Differentiable Exponential Linear Units (2017)",
        },
    [ACTIV_FN_GELU] =
        {
            .summary = "Gaussian error linear unit: the input weighted by the standard normal "
                       "CDF, a smooth ReLU-like curve.",
            .formula_latex = "f(x) = x\\,\\Phi(x) = \\tfrac{x}{2}\\left(1 + "
                             "\\operatorname{erf}(x/\\sqrt{2})\\right); \\text{ approximate = "
                             "tanh: } \\tfrac{x}{2}\\left(1 + \\tanh\\left(\\sqrt{2/\\pi}\\,"
                             "(x + 0.044715 x^{3})\\right)\\right)",
            .derivative_latex = "f'(x) = \\Phi(x) + x\\,\\varphi(x), \\ \\varphi(x) = "
                                "\\tfrac{e^{-x^{2}/2}}{\\sqrt{2\\pi}}; \\text{ tanh form: } "
                                "\\tfrac{1}{2}(1 + t) + \\tfrac{x}{2}(1 - t^{2})\\sqrt{2/\\pi}"
                                "\\,(1 + 3 \\cdot 0.044715 x^{2}), \\ t = \\tanh(\\sqrt{2/\\pi}"
                                "\\,(x + 0.044715 x^{3})) \\text{ (no kink)}",
            .pros = gelu_pros,
            .cons = gelu_cons,
            .uses = gelu_uses,
            .source = "Hendrycks & Gimpel, Gaussian Error Linear Units (2016)",
        },
    [ACTIV_FN_SILU] =
        {
            .summary = "Sigmoid-weighted linear unit (swish): the input times the sigmoid of "
                       "beta times the input.",
            .formula_latex = "f(x) = x\\,\\sigma(\\beta x) = \\frac{x}{1 + e^{-\\beta x}}",
            .derivative_latex = "f'(x) = \\sigma(\\beta x) + \\beta x\\,\\sigma(\\beta x)"
                                "(1 - \\sigma(\\beta x)) \\text{ (no kink)}",
            .pros = silu_pros,
            .cons = silu_cons,
            .uses = silu_uses,
            .source = "Ramachandran et al., Searching for Activation Functions (2017); "
                      "Elfwing et al. (2018)",
        },
    [ACTIV_FN_MISH] =
        {
            .summary = "Self-regularised non-monotonic activation: the input times the tanh of "
                       "its softplus.",
            .formula_latex = "f(x) = x \\tanh(\\operatorname{softplus}(x)) = x \\tanh(\\ln(1 "
                             "+ e^{x}))",
            .derivative_latex = "f'(x) = \\tanh(s) + x\\,\\sigma(x)\\,(1 - \\tanh^{2} s), "
                                "\\ s = \\ln(1 + e^{x}) \\text{ (no kink)}",
            .pros = mish_pros,
            .cons = mish_cons,
            .uses = mish_uses,
            .source = "Misra, Mish: A Self Regularized Non-Monotonic Activation Function "
                      "(2019)",
        },
    [ACTIV_FN_SOFTPLUS] =
        {
            .summary = "A smooth, always positive approximation of ReLU whose sharpness is set "
                       "by beta.",
            .formula_latex = "f(x) = \\frac{1}{\\beta} \\ln(1 + e^{\\beta x}); \\text{ if "
                             "threshold is set: } f(x) = x \\text{ where } \\beta x > "
                             "\\text{threshold}",
            .derivative_latex = "f'(x) = \\sigma(\\beta x) \\text{ (no kink); if threshold "
                                "is set: } 1 \\text{ where } \\beta x > \\text{threshold}",
            .pros = softplus_pros,
            .cons = softplus_cons,
            .uses = softplus_uses,
            .source = "Dugas et al., Incorporating Second-Order Functional Knowledge for "
                      "Better Option Pricing (2001)",
        },
    [ACTIV_FN_SOFTSIGN] =
        {
            .summary = "A tanh-like squashing into (-1, 1) that uses division instead of "
                       "exponentials.",
            .formula_latex = "f(x) = \\frac{x}{1 + |x|}",
            .derivative_latex = "f'(x) = \\frac{1}{(1 + |x|)^{2}} \\le 1 "
                                "\\text{ (continuous; } f'(0) = 1\\text{)}",
            .pros = softsign_pros,
            .cons = softsign_cons,
            .uses = softsign_uses,
            .source = "Glorot & Bengio, Understanding the Difficulty of Training Deep "
                      "Feedforward Neural Networks (2010)",
        },
    [ACTIV_FN_HARDTANH] =
        {
            .summary = "Clamps the input to [min_val, max_val]: a piecewise linear tanh.",
            .formula_latex = "f(x) = \\min(\\max(x, \\text{min\\_val}), \\text{max\\_val})",
            .derivative_latex = "f'(x) = \\begin{cases} 1 & \\text{min\\_val} < x < "
                                "\\text{max\\_val} \\\\ 0 & \\text{otherwise} \\end{cases} "
                                "\\quad (0 \\text{ at both bounds})",
            .pros = hardtanh_pros,
            .cons = hardtanh_cons,
            .uses = hardtanh_uses,
            .source = "Collobert (2004); Goodfellow et al., Deep Learning (2016) 6.3.3",
        },
    [ACTIV_FN_RELU6] =
        {
            .summary = "ReLU capped at 6, keeping activations in [0, 6].",
            .formula_latex = "f(x) = \\min(\\max(0, x), 6)",
            .derivative_latex = "f'(x) = \\begin{cases} 1 & 0 < x < 6 \\\\ 0 & "
                                "\\text{otherwise} \\end{cases} \\quad (0 \\text{ at } x = 0 "
                                "\\text{ and at } x = 6)",
            .pros = relu6_pros,
            .cons = relu6_cons,
            .uses = relu6_uses,
            .source = "Krizhevsky, Convolutional Deep Belief Networks on CIFAR-10 (2010); "
                      "Sandler et al., MobileNetV2 (2018)",
        },
    [ACTIV_FN_HARDSIGMOID] =
        {
            .summary = "A piecewise linear sigmoid: 0 below -3, 1 above 3, a straight line of "
                       "slope 1/6 in between.",
            .formula_latex = "f(x) = \\frac{\\operatorname{relu6}(x + 3)}{6} = "
                             "\\begin{cases} 0 & x \\le -3 \\\\ x/6 + 1/2 & -3 < x < 3 \\\\ "
                             "1 & x \\ge 3 \\end{cases}",
            .derivative_latex = "f'(x) = \\begin{cases} 1/6 & -3 < x < 3 \\\\ 0 & "
                                "\\text{otherwise} \\end{cases} \\quad (0 \\text{ at } x = "
                                "\\pm 3)",
            .pros = hardsigmoid_pros,
            .cons = hardsigmoid_cons,
            .uses = hardsigmoid_uses,
            .source = "Howard et al., Searching for MobileNetV3 (2019)",
        },
    [ACTIV_FN_HARDSWISH] =
        {
            .summary = "The input times hardsigmoid: a cheap piecewise polynomial "
                       "approximation of swish.",
            .formula_latex = "f(x) = x \\cdot \\frac{\\operatorname{relu6}(x + 3)}{6} = "
                             "\\begin{cases} 0 & x \\le -3 \\\\ x(x + 3)/6 & -3 < x < 3 \\\\ "
                             "x & x \\ge 3 \\end{cases}",
            .derivative_latex = "f'(x) = \\begin{cases} 0 & x \\le -3 \\\\ x/3 + 1/2 & "
                                "-3 < x < 3 \\\\ 1 & x \\ge 3 \\end{cases} \\quad "
                                "(f'(-3) = 0,\\ f'(3) = 1)",
            .pros = hardswish_pros,
            .cons = hardswish_cons,
            .uses = hardswish_uses,
            .source = "Howard et al., Searching for MobileNetV3 (2019)",
        },
    [ACTIV_FN_LOG_SIGMOID] =
        {
            .summary = "The logarithm of the sigmoid, computed stably as minus the softplus "
                       "of -x.",
            .formula_latex = "f(x) = \\ln \\sigma(x) = -\\ln(1 + e^{-x}) = "
                             "-\\operatorname{softplus}(-x)",
            .derivative_latex = "f'(x) = 1 - \\sigma(x) = \\sigma(-x) \\text{ (no kink)}",
            .pros = log_sigmoid_pros,
            .cons = log_sigmoid_cons,
            .uses = log_sigmoid_uses,
            .source = "PyTorch torch.nn.LogSigmoid; Keras log_sigmoid",
        },
    [ACTIV_FN_TANHSHRINK] =
        {
            .summary = "The input minus its tanh: near zero for small inputs, close to x - 1 "
                       "or x + 1 for large ones.",
            .formula_latex = "f(x) = x - \\tanh x",
            .derivative_latex = "f'(x) = \\tanh^{2} x \\text{ (no kink)}",
            .pros = tanhshrink_pros,
            .cons = tanhshrink_cons,
            .uses = tanhshrink_uses,
            .source = "PyTorch torch.nn.Tanhshrink",
        },
    [ACTIV_FN_SOFTSHRINK] =
        {
            .summary = "Soft-thresholding: zeroes inputs within lambda of 0 and moves the rest "
                       "lambda towards 0.",
            .formula_latex = "f(x) = \\begin{cases} x - \\lambda & x > \\lambda \\\\ x + "
                             "\\lambda & x < -\\lambda \\\\ 0 & |x| \\le \\lambda "
                             "\\end{cases}",
            .derivative_latex = "f'(x) = \\begin{cases} 1 & |x| > \\lambda \\\\ 0 & |x| "
                                "\\le \\lambda \\end{cases} \\quad (0 \\text{ at } x = \\pm "
                                "\\lambda)",
            .pros = softshrink_pros,
            .cons = softshrink_cons,
            .uses = softshrink_uses,
            .source = "Donoho, De-noising by Soft-Thresholding (1995); PyTorch "
                      "torch.nn.Softshrink",
        },
    [ACTIV_FN_HARDSHRINK] =
        {
            .summary = "Hard-thresholding: zeroes inputs within lambda of 0 and passes the "
                       "rest unchanged.",
            .formula_latex = "f(x) = \\begin{cases} x & |x| > \\lambda \\\\ 0 & |x| \\le "
                             "\\lambda \\end{cases}",
            .derivative_latex = "f'(x) = \\begin{cases} 1 & |x| > \\lambda \\\\ 0 & |x| "
                                "\\le \\lambda \\end{cases} \\quad (0 \\text{ at } x = \\pm "
                                "\\lambda)",
            .pros = hardshrink_pros,
            .cons = hardshrink_cons,
            .uses = hardshrink_uses,
            .source = "Donoho & Johnstone, Ideal Spatial Adaptation by Wavelet Shrinkage "
                      "(1994); PyTorch torch.nn.Hardshrink",
        },
    [ACTIV_FN_THRESHOLD] =
        {
            .summary = "Passes inputs above the threshold unchanged and replaces the rest with "
                       "a fixed value.",
            .formula_latex = "f(x) = \\begin{cases} x & x > \\text{threshold} \\\\ "
                             "\\text{value} & x \\le \\text{threshold} \\end{cases}",
            .derivative_latex = "f'(x) = \\begin{cases} 1 & x > \\text{threshold} \\\\ 0 & "
                                "x \\le \\text{threshold} \\end{cases} \\quad (0 \\text{ at } "
                                "x = \\text{threshold})",
            .pros = threshold_pros,
            .cons = threshold_cons,
            .uses = threshold_uses,
            .source = "PyTorch torch.nn.Threshold",
        },
    [ACTIV_FN_RRELU] =
        {
            .summary = "Randomised leaky ReLU: the negative slope is random during training "
                       "and (lower + upper)/2 at inference, the form activ evaluates.",
            .formula_latex = "f(x) = \\begin{cases} x & x \\ge 0 \\\\ \\tfrac{\\text{lower} + "
                             "\\text{upper}}{2}\\, x & x < 0 \\end{cases} \\quad \\text{"
                             "(training: slope} \\sim U(\\text{lower}, \\text{upper})\\text{)}",
            .derivative_latex = "f'(x) = \\begin{cases} 1 & x > 0 \\\\ \\tfrac{\\text{lower} "
                                "+ \\text{upper}}{2} & x \\le 0 \\end{cases} \\quad (f'(0) = "
                                "\\tfrac{\\text{lower} + \\text{upper}}{2})",
            .pros = rrelu_pros,
            .cons = rrelu_cons,
            .uses = rrelu_uses,
            .source = "Xu et al., Empirical Evaluation of Rectified Activations in "
                      "Convolutional Network (2015)",
        },
    [ACTIV_FN_SQUAREPLUS] =
        {
            .summary = "An algebraic softplus: a smooth positive rectifier computed with one "
                       "square root.",
            .formula_latex = "f(x) = \\frac{x + \\sqrt{x^{2} + b}}{2}",
            .derivative_latex = "f'(x) = \\frac{1}{2}\\left(1 + \\frac{x}{\\sqrt{x^{2} + b}}"
                                "\\right) \\text{ (no kink for } b > 0\\text{; } b = 0 "
                                "\\text{ is relu, with } f'(0) = 0\\text{)}",
            .pros = squareplus_pros,
            .cons = squareplus_cons,
            .uses = squareplus_uses,
            .source = "Barron, Squareplus: A Softplus-Like Algebraic Rectifier (2021)",
        },
    [ACTIV_FN_SPARSE_PLUS] =
        {
            .summary = "A piecewise quadratic softplus: 0 below -1, the identity above 1, a "
                       "parabola in between.",
            .formula_latex = "f(x) = \\begin{cases} 0 & x \\le -1 \\\\ \\tfrac{1}{4}(x + 1)^{2} "
                             "& -1 < x < 1 \\\\ x & x \\ge 1 \\end{cases}",
            .derivative_latex = "f'(x) = \\begin{cases} 0 & x \\le -1 \\\\ \\tfrac{1}{2}(x + "
                                "1) & -1 < x < 1 \\\\ 1 & x \\ge 1 \\end{cases} \\text{ "
                                "(continuous: sparse\\_sigmoid; no kink)}",
            .pros = sparse_plus_pros,
            .cons = sparse_plus_cons,
            .uses = sparse_plus_uses,
            .source = "JAX jax.nn.sparse_plus; Blondel, Martins & Niculae, Learning with "
                      "Fenchel-Young Losses (2020)",
        },
    [ACTIV_FN_SPARSE_SIGMOID] =
        {
            .summary = "A piecewise linear sigmoid: 0 below -1, 1 above 1, slope 1/2 in "
                       "between.",
            .formula_latex = "f(x) = \\begin{cases} 0 & x \\le -1 \\\\ \\tfrac{1}{2}(x + 1) & "
                             "-1 < x < 1 \\\\ 1 & x \\ge 1 \\end{cases}",
            .derivative_latex = "f'(x) = \\begin{cases} 1/2 & -1 < x < 1 \\\\ 0 & "
                                "\\text{otherwise} \\end{cases} \\quad (0 \\text{ at } x = "
                                "\\pm 1)",
            .pros = sparse_sigmoid_pros,
            .cons = sparse_sigmoid_cons,
            .uses = sparse_sigmoid_uses,
            .source = "JAX jax.nn.sparse_sigmoid; Blondel, Martins & Niculae, Learning with "
                      "Fenchel-Young Losses (2020) 6.2",
        },
    [ACTIV_FN_EXPONENTIAL] =
        {
            .summary = "The exponential function: maps any real input to a positive output.",
            .formula_latex = "f(x) = e^{x}",
            .derivative_latex = "f'(x) = e^{x} \\text{ (no kink)}",
            .pros = exponential_pros,
            .cons = exponential_cons,
            .uses = exponential_uses,
            .source = "Keras keras.activations.exponential",
        },
    [ACTIV_FN_LISHT] =
        {
            .summary = "Linearly scaled hyperbolic tangent: the input times its tanh, an even, "
                       "non-negative curve.",
            .formula_latex = "f(x) = x \\tanh x",
            .derivative_latex = "f'(x) = \\tanh x + x\\,(1 - \\tanh^{2} x) \\text{ (no kink)}",
            .pros = lisht_pros,
            .cons = lisht_cons,
            .uses = lisht_uses,
            .source = "Roy et al., LiSHT: Non-Parametric Linearly Scaled Hyperbolic Tangent "
                      "Activation Function for Neural Networks (2019)",
        },
    [ACTIV_FN_SNAKE] =
        {
            .summary = "The identity plus a squared sine: a monotonic activation with a "
                       "built-in periodic component.",
            .formula_latex = "f(x) = x + \\frac{\\sin^{2}(a x)}{a}, \\quad a = "
                             "\\text{frequency}",
            .derivative_latex = "f'(x) = 1 + \\sin(2 a x) \\in [0, 2], \\quad a = "
                                "\\text{frequency} \\text{ (no kink)}",
            .pros = snake_pros,
            .cons = snake_cons,
            .uses = snake_uses,
            .source = "Ziyin, Hartwig & Ueda, Neural Networks Fail to Learn Periodic "
                      "Functions and How to Fix It (2020)",
        },
    [ACTIV_FN_SOFTMAX] =
        {
            .summary = "Turns each row of scores into a probability distribution over its "
                       "entries.",
            .formula_latex = "y_j = \\frac{e^{z_j}}{\\sum_{k=1}^{K} e^{z_k}} = \\frac{e^{z_j "
                             "- m}}{\\sum_{k=1}^{K} e^{z_k - m}}, \\quad m = \\max_k z_k",
            .derivative_latex = "\\frac{\\partial y_i}{\\partial z_j} = y_i\\,(\\delta_{ij} "
                                "- y_j) \\text{ (no kink)}",
            .pros = softmax_pros,
            .cons = softmax_cons,
            .uses = softmax_uses,
            .source = "seed 5.7; Goodfellow et al., Deep Learning (2016) 6.2.2.3",
        },
    [ACTIV_FN_LOG_SOFTMAX] =
        {
            .summary = "The logarithm of softmax, computed stably as each score minus the "
                       "row's log-sum-exp.",
            .formula_latex = "y_j = z_j - \\ln \\sum_{k=1}^{K} e^{z_k}",
            .derivative_latex = "\\frac{\\partial y_i}{\\partial z_j} = \\delta_{ij} - s_j, "
                                "\\quad s = \\operatorname{softmax}(z) \\text{ (no kink)}",
            .pros = log_softmax_pros,
            .cons = log_softmax_cons,
            .uses = log_softmax_uses,
            .source = "PyTorch torch.nn.LogSoftmax; Goodfellow et al., Deep Learning (2016) "
                      "6.2.2.3",
        },
    [ACTIV_FN_SOFTMIN] =
        {
            .summary = "Softmax of the negated row: a probability distribution that favours "
                       "the smallest entries.",
            .formula_latex = "y_j = \\frac{e^{-z_j}}{\\sum_{k=1}^{K} e^{-z_k}} = "
                             "\\operatorname{softmax}(-z)_j",
            .derivative_latex = "\\frac{\\partial y_i}{\\partial z_j} = -y_i\\,(\\delta_{ij} "
                                "- y_j) \\text{ (no kink)}",
            .pros = softmin_pros,
            .cons = softmin_cons,
            .uses = softmin_uses,
            .source = "PyTorch torch.nn.Softmin",
        },
    [ACTIV_FN_SPARSEMAX] =
        {
            .summary = "Euclidean projection of each row onto the probability simplex: like "
                       "softmax, but with exact zeros.",
            .formula_latex = "y = \\arg\\min_{p \\in \\Delta^{K-1}} \\lVert p - z "
                             "\\rVert_2^{2}, \\quad y_j = \\max(z_j - \\tau, 0), \\ \\tau "
                             "\\text{ such that } \\textstyle\\sum_j y_j = 1",
            .derivative_latex = "\\frac{\\partial y}{\\partial z} = \\operatorname{diag}(m) "
                                "- \\frac{m m^{\\top}}{|S|}, \\quad S = \\{j : y_j > 0\\}, "
                                "\\ m_j = [j \\in S] \\text{ (an entry with } z_j = \\tau "
                                "\\text{ has } y_j = 0 \\text{ and is outside } S\\text{)}",
            .pros = sparsemax_pros,
            .cons = sparsemax_cons,
            .uses = sparsemax_uses,
            .source = "Martins & Astudillo, From Softmax to Sparsemax (2016)",
        },
    [ACTIV_FN_GLU] =
        {
            .summary = "Gated linear unit: splits each row into halves a and b and returns a "
                       "gated by sigmoid(b).",
            .formula_latex = "x = [a;\\ b],\\ a, b \\in \\mathbb{R}^{n}, \\quad y = a \\odot "
                             "\\sigma(b)",
            .derivative_latex = "\\frac{\\partial y_i}{\\partial a_j} = \\delta_{ij}\\,"
                                "\\sigma(b_i), \\quad \\frac{\\partial y_i}{\\partial b_j} = "
                                "\\delta_{ij}\\, a_i\\, \\sigma(b_i)(1 - \\sigma(b_i)) "
                                "\\text{ (no kink)}",
            .pros = glu_pros,
            .cons = glu_cons,
            .uses = glu_uses,
            .source = "Dauphin et al., Language Modeling with Gated Convolutional Networks "
                      "(2017)",
        },
    [ACTIV_FN_CRELU] =
        {
            .summary = "Concatenated ReLU: each row's relu(x) followed by relu(-x), doubling "
                       "the last axis.",
            .formula_latex = "y = [\\max(0, x);\\ \\max(0, -x)] \\in \\mathbb{R}^{2n}, \\quad "
                             "x \\in \\mathbb{R}^{n}",
            .derivative_latex = "\\frac{\\partial y_i}{\\partial x_j} = \\delta_{ij}\\,[x_j "
                                "> 0], \\quad \\frac{\\partial y_{n+i}}{\\partial x_j} = "
                                "-\\delta_{ij}\\,[x_j < 0] \\quad (\\text{both 0 at } x_j = "
                                "0)",
            .pros = crelu_pros,
            .cons = crelu_cons,
            .uses = crelu_uses,
            .source = "Shang et al., Understanding and Improving Convolutional Neural Networks "
                      "via Concatenated Rectified Linear Units (2016)",
        },
    [ACTIV_FN_MAXOUT] =
        {
            .summary = "The maximum over k candidates: groups of k consecutive inputs, or k "
                       "affine pieces of the row.",
            .formula_latex = "y_j = \\max_{1 \\le i \\le k} x_{(j-1)k+i} \\text{ (grouped)}; "
                             "\\quad y = \\max_{1 \\le i \\le k} (w_i^{\\top} x + b_i) "
                             "\\text{ (affine)}",
            .derivative_latex = "\\frac{\\partial y_j}{\\partial x_{(j-1)k+i}} = [i = i^{*}_j] "
                                "\\text{ (grouped)}; \\quad \\frac{\\partial y}{\\partial x} = "
                                "w_{i^{*}}^{\\top} \\text{ (affine)}; \\quad i^{*} = \\text{the "
                                "first index attaining the max}",
            .pros = maxout_pros,
            .cons = maxout_cons,
            .uses = maxout_uses,
            .source = "seed 5.8; Goodfellow et al., Maxout Networks (2013)",
        },
};

static_assert(sizeof activ_catalog_texts / sizeof activ_catalog_texts[0] == ACTIV_FN_COUNT,
              "activ_catalog_texts needs one entry per activ_fn_id");
