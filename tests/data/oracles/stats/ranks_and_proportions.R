# Reference values for two small statistics mio-qual prints, computed with base R (stats).
#
# Run from the repository root (R >= 4, package jsonlite):
#
#     Rscript tests/data/oracles/stats/ranks_and_proportions.R
#
# It writes, next to itself,
#   spearman.csv   generated pairs (seeded) of ratings -2 ... +2 and outcomes, with ties, missing
#                  values and constant columns, n = 2 ... 12 per case set, and Spearman's rho of each set
#                  from stats::cor(method = "spearman", use = "complete.obs") (NA where R gives none);
#                  read by tests/mixed/test_joint_r.py (joint displays' direction summary) and
#                  tests/implementation/test_reaim_r.py (Aim 2 predictor x outcome matrix);
#   wilson.csv     Wilson (1927) score intervals from stats::prop.test(x, n, correct = FALSE) for
#                  whole-number agreements x of n units at three confidence levels; read by
#                  tests/agreement/test_diagnostics_r.py (the interval of percent agreement);
#   versions.json  R version.
# Nothing of mio-qual's code is used here.

suppressPackageStartupMessages(library(jsonlite))
here <- "tests/data/oracles/stats"
if (!dir.exists(here)) stop("run from the repository root")
set.seed(20261204, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")

rows <- list()
for (set in 1:120) {
  n <- sample(2:12, 1)
  x <- sample(-2:2, n, replace = TRUE, prob = runif(5))
  y <- round(runif(n, 1, 5), sample(0:2, 1))                  # 0 decimals: many ties
  if (set %% 7 == 0) x[] <- x[1]                               # ratings that do not vary
  if (set %% 11 == 0) y[] <- y[1]                              # outcomes that do not vary
  if (set %% 3 == 0) x[sample(n, min(n - 1, sample(1:2, 1)))] <- NA
  if (set %% 5 == 0) y[sample(n, 1)] <- NA
  ok <- !is.na(x) & !is.na(y)
  rho <- if (sum(ok) >= 2) suppressWarnings(cor(x, y, method = "spearman", use = "complete.obs")) else NA
  rows[[set]] <- data.frame(set = set, n_complete = sum(ok),
                            x = paste(ifelse(is.na(x), "NA", x), collapse = " "),
                            y = paste(ifelse(is.na(y), "NA", y), collapse = " "),
                            rho = if (is.na(rho)) "" else sprintf("%.17g", rho))
}
write.csv(do.call(rbind, rows), file.path(here, "spearman.csv"), row.names = FALSE)

w <- list()
for (n in c(1, 2, 5, 10, 37, 200, 1000)) {
  for (x in unique(c(0, 1, floor(n / 3), floor(n / 2), n - 1, n))) {
    if (x < 0 || x > n) next
    for (conf in c(0.90, 0.95, 0.99)) {
      ci <- suppressWarnings(prop.test(x, n, conf.level = conf, correct = FALSE)$conf.int)
      w[[length(w) + 1]] <- data.frame(x = x, n = n, confidence = conf, low = sprintf("%.17g", ci[1]),
                                       high = sprintf("%.17g", ci[2]))
    }
  }
}
write.csv(do.call(rbind, w), file.path(here, "wilson.csv"), row.names = FALSE)
writeLines(toJSON(list(generated_by = "tests/data/oracles/stats/ranks_and_proportions.R",
                       r_version = R.version.string,
                       functions = c("stats::cor(method = 'spearman', use = 'complete.obs')",
                                     "stats::prop.test(correct = FALSE)$conf.int")),
                  auto_unbox = TRUE, pretty = TRUE), file.path(here, "versions.json"))
cat("wrote", length(rows), "rank sets and", length(w), "intervals\n")
