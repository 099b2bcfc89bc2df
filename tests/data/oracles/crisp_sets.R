# One generated crisp data set, shared by qca/crisp_minimize.R and cna/crisp_cna.R (sourced from the repository
# root: `source("tests/data/oracles/crisp_sets.R")`). Each script sets its own seed; this file draws nothing on its
# own, and the order of the draws below is what the committed datasets.csv files were generated with: changing it
# changes every reference value.
#
# crisp_set() returns a data frame of 3-5 crisp conditions (columns A, B, ... in order) and an outcome Y over
# 6-30 cases: Y is a random sum of 1-3 products of 1-3 literals, then 0-2 cases have Y flipped (noise:
# contradictions, consistency below 1).

crisp_set <- function() {
  k <- sample(3:5, 1)
  n <- sample(6:30, 1)
  conds <- LETTERS[seq_len(k)]
  d <- as.data.frame(matrix(rbinom(n * k, 1, runif(1, 0.3, 0.7)), n, k, dimnames = list(NULL, conds)))
  y <- rep(0L, n)
  for (t in seq_len(sample(1:3, 1))) {                       # a random sum of products
    lits <- sample(conds, sample(1:min(3, k), 1))
    vals <- rbinom(length(lits), 1, 0.5)
    y <- y | Reduce(`&`, Map(function(c, v) d[[c]] == v, lits, vals))
  }
  y <- as.integer(y)
  flip <- sample(n, rbinom(1, 2, 0.4))                       # noise: contradictions, lower consistency
  y[flip] <- 1L - y[flip]
  d$Y <- y
  d
}
