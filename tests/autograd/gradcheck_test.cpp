#include <catch2/catch.hpp>

#include "support/check.h"
#include "trit/autograd/node.h"
#include "trit/ops/ops.h"

using namespace trit;

TEST_CASE("gradcheck accepts a correct gradient and rejects a wrong one") {
  Tensor x = test::leaf({4}, 1);
  CHECK(gradcheck([](const std::vector<Tensor>& in) { return in[0] * in[0]; }, {x}).ok);
  // an op whose recorded backward is deliberately wrong (twice the true gradient)
  auto wrong = [](const std::vector<Tensor>& in) {
    Tensor out;
    {
      NoGradGuard g;
      out = in[0] * 3.0;
    }
    if (needs_grad({in[0]})) record("wrong", out, {in[0]}, [](const Tensor& g) { return std::vector<Tensor>{g * 6.0}; });
    return out;
  };
  const GradcheckResult r = gradcheck(wrong, {x});
  CHECK_FALSE(r.ok);
  CHECK(r.message.find("analytic") != std::string::npos);
}
