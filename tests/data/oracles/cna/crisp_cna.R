# Reference results of crisp-set coincidence analysis on generated data, computed with the R package cna.
#
# cna is not in Debian; it was built from the CRAN sources (github.com/cran/cna, version 4.0.0; its
# dependencies Rcpp, Matrix, matrixStats and car are Debian packages): `R CMD INSTALL -l LIB <source>`.
# Run from the repository root:
#
#     R_LIBS=LIB Rscript tests/data/oracles/cna/crisp_cna.R
#
# It writes, next to itself,
#   datasets.csv   generated crisp data sets (seeded): 3-5 factors A-E and an outcome Y from a random sum of
#                  products with some cases flipped; 6-30 cases; column `set` names the data set
#   results.csv    for each set and (con, cov) in (1, 1), (.8, .8), (.75, .9): every msc and asf of
#                  cna(d, outcome = "Y", con, cov) with its consistency, coverage and complexity
#                  (kind "none" when cna finds no asf), and below con = 1 also the asf of
#                  cnaControl(asf.selection = "none") (kind "asf_none": without cna's default selection "cs",
#                  which drops asf whose outcome varies only among cases they do not fit); and for the
#                  outcomes Y and A together at (1, 1) and (.8, .8) every csf (where no combination of the two
#                  outcomes' asf is free of structural redundancy, cna returns the asf themselves as csf);
#   versions.json  R and package versions.
# read by tests/mixed/test_configurations_cna_r.py. Nothing of mio-qual's code is used here.

suppressPackageStartupMessages({
  library(cna)
  library(jsonlite)
})
source("tests/data/oracles/crisp_sets.R")                   # crisp_set(), the generator; fails off the root
here <- "tests/data/oracles/cna"
set.seed(20261205, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")

sets <- list()
out <- list()
add <- function(...) out[[length(out) + 1]] <<- data.frame(...)
for (s in 1:60) {
  d <- crisp_set()                                           # ../crisp_sets.R: draws k, n, the data and Y
  y <- d$Y
  conds <- setdiff(names(d), "Y")
  n <- nrow(d)
  x <- d
  for (c in setdiff(LETTERS[1:5], names(x))) x[[c]] <- NA
  sets[[s]] <- cbind(set = s, case = paste0("c", seq_len(n)), x[, c(LETTERS[1:5], "Y")])
  for (th in list(c(1, 1), c(0.8, 0.8), c(0.75, 0.9))) {
    if (length(unique(y)) < 2) {
      add(set = s, con = th[1], cov = th[2], kind = "constant", condition = "", consistency = NA, coverage = NA,
          complexity = NA)
      next
    }
    r <- cna(d, outcome = "Y", con = th[1], cov = th[2])
    m <- msc(r)
    a <- asf(r)
    for (i in seq_len(nrow(m))) add(set = s, con = th[1], cov = th[2], kind = "msc", condition = m$condition[i],
                                    consistency = m$con[i], coverage = m$cov[i], complexity = m$complexity[i])
    for (i in seq_len(nrow(a))) add(set = s, con = th[1], cov = th[2], kind = "asf", condition = a$condition[i],
                                    consistency = a$con[i], coverage = a$cov[i], complexity = a$complexity[i])
    if (th[1] < 1) {                                          # the selection below con = 1 set aside, too
      a0 <- asf(cna(d, outcome = "Y", con = th[1], cov = th[2], control = cnaControl(asf.selection = "none")))
      for (i in seq_len(nrow(a0))) add(set = s, con = th[1], cov = th[2], kind = "asf_none",
                                       condition = a0$condition[i], consistency = a0$con[i], coverage = a0$cov[i],
                                       complexity = a0$complexity[i])
    }
    if (nrow(a) == 0) add(set = s, con = th[1], cov = th[2], kind = "none", condition = "", consistency = NA,
                          coverage = NA, complexity = NA)
  }
}
write.csv(do.call(rbind, sets), file.path(here, "datasets.csv"), row.names = FALSE, na = "")

# two outcomes, Y and A: complex solution formulas (csf) at (1, 1) and (.8, .8), on the same data sets (read back,
# so that the random stream above is untouched)
x <- read.csv(file.path(here, "datasets.csv"))
for (s in 1:60) {
  d <- x[x$set == s, c(LETTERS[1:5], "Y")]
  d <- d[, colSums(is.na(d)) == 0]
  if (length(unique(d$Y)) < 2 || length(unique(d$A)) < 2) next
  for (th in list(c(1, 1), c(0.8, 0.8))) {
    r <- cna(d, outcome = c("Y", "A"), con = th[1], cov = th[2])
    cs <- suppressMessages(csf(r))                           # asf that cannot be combined come back as csf
    kind <- "csf"
    for (i in seq_len(nrow(cs))) add(set = s, con = th[1], cov = th[2], kind = kind, condition = cs$condition[i],
                                     consistency = cs$con[i], coverage = cs$cov[i], complexity = cs$complexity[i])
    if (nrow(cs) == 0) add(set = s, con = th[1], cov = th[2], kind = "csf_none", condition = "", consistency = NA,
                           coverage = NA, complexity = NA)
  }
}
fmt <- function(v) ifelse(is.na(v), "", sprintf("%.17g", v))
res <- do.call(rbind, out)
res$consistency <- fmt(res$consistency); res$coverage <- fmt(res$coverage)
write.csv(res, file.path(here, "results.csv"), row.names = FALSE, na = "")
writeLines(toJSON(list(generated_by = "tests/data/oracles/cna/crisp_cna.R", r_version = R.version.string,
                       packages = list(cna = as.character(packageVersion("cna")),
                                       Rcpp = as.character(packageVersion("Rcpp"))),
                       source = "github.com/cran/cna (CRAN sources), built with R CMD INSTALL"),
                  auto_unbox = TRUE, pretty = TRUE), file.path(here, "versions.json"))
cat("wrote", length(sets), "data sets and", nrow(res), "rows\n")
