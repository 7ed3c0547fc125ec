// The joint state of a multistep scheme on one eigen-direction: the particle x and the history
// vectors H_0.. it carries between steps (stored model outputs). With the Gaussian score
// s(t, y) = (α_t m − y)/ℓ_t every register, score and stored vector is affine in the joint
// state and the step's fresh normals, so a step is  w′ = M w + c + N Z  with M a K×K matrix
// (K = 1 + history slots): the joint law stays Gaussian and its mean and K×K covariance follow
// exactly (m′ = M m + c, C′ = M C Mᵀ + N Nᵀ). The plan is executed here on JointForms.
#pragma once
#include "analysis/affine_form.h"
#include "schemes/step_plan.h"

namespace dw2::analysis {

constexpr int kMaxJoint = 1 + kMaxHistory;

// Σ_i v_i w_i + b + Σ_l c_l Z_l with w = (x, H_0, …).
struct JointForm {
  double v[kMaxJoint] = {};
  double b = 0.0;
  double c[kMaxNoises] = {};

  static JointForm unit(int i) {
    JointForm f;
    f.v[i] = 1.0;
    return f;
  }
  void addScaled(double w, const JointForm& o) {
    if (w == 0.0) return;
    for (int i = 0; i < kMaxJoint; ++i) v[i] += w * o.v[i];
    b += w * o.b;
    for (int l = 0; l < kMaxNoises; ++l) c[l] += w * o.c[l];
  }
};

inline JointForm applyScore(const DirectionScore& s, const JointForm& y) {
  JointForm r;
  for (int i = 0; i < kMaxJoint; ++i) r.v[i] = -s.precision * y.v[i];
  r.b = (s.centre - y.b) * s.precision;
  for (int l = 0; l < kMaxNoises; ++l) r.c[l] = -s.precision * y.c[l];
  return r;
}

// Σ_k w.reg[k] R_k + w.score[k] S_k (k < count) + Σ_m w.history[m] H_m (m < historyRead) + Σ_l w.noise[l] Z_l.
inline JointForm combine(const Combination& w, const JointForm* R, const JointForm* S, int count, int historyRead) {
  JointForm out;
  for (int k = 0; k < count; ++k) {
    out.addScaled(w.reg[k], R[k]);
    out.addScaled(w.score[k], S[k]);
  }
  for (int m = 0; m < historyRead; ++m) out.v[1 + m] += w.history[m];
  for (int l = 0; l < kMaxNoises; ++l) out.c[l] += w.noise[l];
  return out;
}

// Runs a plan on one direction; scoreAt(j) is the direction's score at τ_j. Writes the rows of
// the step's map: next[0] = x′, next[1 + m] = H′_m (H_m itself where the step leaves slot m).
template <class ScoreAt>
inline void executeJointPlan(const StepPlan& plan, int K, ScoreAt&& scoreAt, JointForm* next) {
  JointForm R[kMaxStages], S[kMaxStages];
  R[0] = JointForm::unit(0);
  if (plan.perturbsInput) {
    const JointForm x = R[0];
    R[0] = combine(plan.input[0], &x, S, 1, plan.historyRead);  // S is still zero: only x, H, Z enter
  }
  S[0] = applyScore(scoreAt(0), R[0]);
  for (int j = 1; j < plan.stages; ++j) {
    R[j] = combine(plan.input[j], R, S, j, plan.historyRead);
    S[j] = applyScore(scoreAt(j), R[j]);
  }
  next[0] = combine(plan.output, R, S, plan.stages, plan.historyRead);
  for (int m = 0; m + 1 < K; ++m)
    next[1 + m] = m < plan.historyWrite ? combine(plan.save[m], R, S, plan.stages, plan.historyRead) : JointForm::unit(1 + m);
}

// One direction's joint moments: gain a = ∂w/∂x_T, offset b, noise covariance C (K × K, row-major).
// Applies the step map rows `next`: a′ = M a, b′ = M b + c, C′ = M C Mᵀ + N Nᵀ.
inline void applyJointStep(const JointForm* next, int K, double* a, double* b, double* C) {
  double na[kMaxJoint], nb[kMaxJoint], MC[kMaxJoint * kMaxJoint];
  for (int i = 0; i < K; ++i) {
    double sa = 0.0, sb = next[i].b;
    for (int l = 0; l < K; ++l) {
      sa += next[i].v[l] * a[l];
      sb += next[i].v[l] * b[l];
    }
    na[i] = sa;
    nb[i] = sb;
    for (int j = 0; j < K; ++j) {
      double s = 0.0;
      for (int l = 0; l < K; ++l) s += next[i].v[l] * C[l * K + j];
      MC[i * K + j] = s;
    }
  }
  for (int i = 0; i < K; ++i) {
    a[i] = na[i];
    b[i] = nb[i];
    for (int j = 0; j < K; ++j) {
      double s = 0.0;
      for (int l = 0; l < K; ++l) s += MC[i * K + l] * next[j].v[l];
      for (int n = 0; n < kMaxNoises; ++n) s += next[i].c[n] * next[j].c[n];
      C[i * K + j] = s;
    }
  }
}

}  // namespace dw2::analysis
