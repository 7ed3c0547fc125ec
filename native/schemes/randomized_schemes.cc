// The randomized schemes' writer: one particle's plan for its draw u (PlanOptions::u), from the
// formulas the CUDA kernel shares (randomized_plans.h).
#include "schemes/plans.h"

namespace dw2::plans {

void randomized(const StepContext& c, StepPlan& plan) {
  const RandomizedEnds ends = randomizedEnds(c.p, c.t0(), c.t1());
  plan.stages = 2;
  plan.noises = 2;
  plan.scoreTime[0] = c.t0();
  plan.scoreTime[1] = randomizedPlan(c.scheme->rule, c.p, ends, c.o.u, plan.input[1], plan.output);
}

}  // namespace dw2::plans
