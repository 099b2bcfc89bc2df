# Reference values of Kendall's tau-b, computed with base R (stats), for the Aim 2 predictor x outcome matrix.
#
# Run from the repository root (R >= 4, package jsonlite):
#
#     Rscript tests/data/oracles/stats/kendall.R
#
# It reads kendall_sample_cases.csv (the bundled sample's four clinics as Project.predictor_cases() gives them;
# tests/implementation/test_sample.py checks that the file still matches) and writes, next to itself,
#   kendall.csv   per set: the complete pairs' n, the values x and y, tau-b from stats::cor(method = "kendall")
#                 (tau-b: ties in x and in y are corrected for), the concordant and discordant pairs counted from
#                 the signs of all pairwise differences (R has no function that returns the counts), and
#                 cor.test(method = "kendall")'s two-sided p-value with the method R chose: "exact" (n < 50 and
#                 no ties) or "normal" (the normal approximation of S with the tie-corrected variance, no
#                 continuity correction). Sets: "sample:<predictor>:<outcome>" (each pair of the sample's matrix)
#                 and "g<k>", 100 generated sets (seeded) of 2-60 cases on 2-5 levels, so with many ties, with
#                 missing values and constant columns now and then;
#   kendall_versions.json  R version.
# read by tests/implementation/test_reaim_r.py. Nothing of mio-qual's code is used here.

suppressPackageStartupMessages(library(jsonlite))
here <- "tests/data/oracles/stats"
if (!dir.exists(here)) stop("run from the repository root")
set.seed(20261206, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")

num <- function(v) ifelse(is.na(v), "", sprintf("%.17g", v))
one <- function(set, x, y) {
  ok <- !is.na(x) & !is.na(y)
  a <- x[ok]; b <- y[ok]
  n <- length(a)
  tau <- if (n >= 2) suppressWarnings(cor(a, b, method = "kendall")) else NA
  s <- sign(outer(a, a, "-")) * sign(outer(b, b, "-"))        # each unordered pair counted twice
  test <- if (n >= 3 && is.finite(tau)) suppressWarnings(cor.test(a, b, method = "kendall")) else NULL
  ties <- any(duplicated(a)) || any(duplicated(b))
  data.frame(set = set, n_complete = n,
             x = paste(ifelse(is.na(x), "NA", sprintf("%.17g", x)), collapse = " "),
             y = paste(ifelse(is.na(y), "NA", sprintf("%.17g", y)), collapse = " "),
             tau_b = num(tau), concordant = sum(s > 0) / 2, discordant = sum(s < 0) / 2,
             p_value = if (is.null(test)) "" else num(test$p.value),
             p_method = if (is.null(test)) "" else if (n < 50 && !ties) "exact" else "normal")
}

rows <- list()
cases <- read.csv(file.path(here, "kendall_sample_cases.csv"))
for (p in c("pre_implementation_proportion", "pre_implementation_facilitation_minutes", "facilitation_minutes")) {
  for (o in c("reach", "adoption", "fim", "adherence", "competence")) {
    rows[[length(rows) + 1]] <- one(paste("sample", p, o, sep = ":"), cases[[p]], cases[[o]])
  }
}
for (k in 1:100) {
  n <- sample(2:60, 1)
  x <- sample(seq_len(sample(2:5, 1)), n, replace = TRUE)
  y <- if (k %% 4 == 0) round(runif(n, 1, 5), 1) else sample(seq_len(sample(2:5, 1)), n, replace = TRUE)
  if (k %% 9 == 0) x[] <- x[1]                                  # a predictor that does not vary
  if (k %% 3 == 0) x[sample(n, min(n - 1, sample(1:3, 1)))] <- NA
  if (k %% 5 == 0) y[sample(n, 1)] <- NA
  rows[[length(rows) + 1]] <- one(paste0("g", k), x, y)
}
write.csv(do.call(rbind, rows), file.path(here, "kendall.csv"), row.names = FALSE)
writeLines(toJSON(list(generated_by = "tests/data/oracles/stats/kendall.R", r_version = R.version.string,
                       functions = c("stats::cor(method = 'kendall')", "stats::cor.test(method = 'kendall')")),
                  auto_unbox = TRUE, pretty = TRUE), file.path(here, "kendall_versions.json"))
cat("wrote", length(rows), "sets\n")
