# Reference solutions of crisp-set QCA on generated data, computed with the R package QCA (Dusa).
#
# QCA is not in Debian; it was built from its GitHub sources (dusadrian/QCA 3.25.1 with admisc 0.39.1,
# declared 0.27, venn 1.12.2: `R CMD INSTALL -l LIB <source>` of each, then `R_LIBS=LIB`). Run from the
# repository root:
#
#     R_LIBS=LIB Rscript tests/data/oracles/qca/crisp_minimize.R
#
# It writes, next to itself,
#   datasets.csv    generated crisp data sets (seeded): 3-5 conditions A-E, 6-30 cases, an outcome Y from a
#                   random sum of products with some cases flipped; column `set` names the data set
#   solutions.csv   for each set and cut-off, the conservative (include = "") and parsimonious (include = "?")
#                   models of QCA::minimize on QCA::truthTable(incl.cut = c(cut, 1e-9)) (OUT = 1 at incl >= cut,
#                   0 at incl = 0, "C" between, as mio-qual's default incl_cut0 = 0), each term with inclS, covS
#                   and covU and each model with its solution consistency and coverage; and the distinct
#                   intermediate models over all of QCA's conservative x parsimonious pairs (i.sol) with the
#                   directional expectations in column `expectations` (condition i of set s: present, absent
#                   or don't care by (s + i) mod 3);
#   versions.json   R and package versions.
# read by tests/mixed/test_configurations_r.py. Nothing of mio-qual's code is used here.

suppressPackageStartupMessages({
  library(QCA)
  library(jsonlite)
})
source("tests/data/oracles/crisp_sets.R")                   # crisp_set(), the generator; fails off the root
here <- "tests/data/oracles/qca"
set.seed(20261204, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")

sets <- list()
out <- list()
for (s in 1:60) {
  d <- crisp_set()                                           # ../crisp_sets.R: draws k, n, the data and Y
  y <- d$Y
  conds <- setdiff(names(d), "Y")
  n <- nrow(d)
  k <- length(conds)
  sets[[s]] <- cbind(set = s, case = paste0("c", seq_len(n)), d[, c(conds, "Y")][, c(LETTERS[1:5][1:k], "Y")])
  rownames(d) <- paste0("c", seq_len(n))
  for (cut in c(1, 0.75)) {
    tt <- tryCatch(truthTable(d, outcome = "Y", conditions = conds, incl.cut = c(cut, 1e-9)), error = function(e) NULL)
    if (is.null(tt) || !any(tt$tt$OUT == "1")) {
      out[[length(out) + 1]] <- data.frame(set = s, cut = cut, solution = "none", model = "", term = "",
                                           inclS = NA, covS = NA, covU = NA, expectations = "")
      next
    }
    # directional expectations, the same for both cut-offs and drawn without the random generator: condition i
    # of set s is expected present, absent or "don't care" by (s + i) mod 3
    expect <- unlist(lapply(seq_along(conds), function(i) switch((s + i) %% 3 + 1, conds[i], paste0("~", conds[i]),
                                                                  NULL)))
    if (!is.null(expect)) {
      m <- tryCatch(minimize(tt, include = "?", dir.exp = paste(expect, collapse = ", ")), error = function(e) NULL)
      seen <- character(0)
      if (!is.null(m) && !is.null(m$i.sol)) {
        for (cp in names(m$i.sol)) {
          part <- m$i.sol[[cp]]
          for (i in seq_along(part$solution)) {
            key <- paste(sort(part$solution[[i]]), collapse = " + ")
            if (key %in% seen) next
            seen <- c(seen, key)
            ic <- if (length(part$solution) == 1) part$IC else part$IC$individual[[i]]
            model <- paste0("I", length(seen))
            out[[length(out) + 1]] <- data.frame(set = s, cut = cut, solution = "intermediate", model = model,
                                                 term = rownames(ic$incl.cov), inclS = ic$incl.cov$inclS,
                                                 covS = ic$incl.cov$covS, covU = ic$incl.cov$covU,
                                                 expectations = paste(expect, collapse = ", "))
            out[[length(out) + 1]] <- data.frame(set = s, cut = cut, solution = "intermediate", model = model,
                                                 term = paste(part$solution[[i]], collapse = " + "),
                                                 inclS = ic$sol.incl.cov[1, "inclS"],
                                                 covS = ic$sol.incl.cov[1, "covS"], covU = NA,
                                                 expectations = paste(expect, collapse = ", "))
          }
        }
      }
    }
    for (kind in c("conservative", "parsimonious")) {
      m <- tryCatch(minimize(tt, include = if (kind == "conservative") "" else "?"), error = function(e) NULL)
      if (is.null(m)) {                                       # e.g. every configuration has the outcome
        out[[length(out) + 1]] <- data.frame(set = s, cut = cut, solution = paste(kind, "error"), model = "",
                                             term = "", inclS = NA, covS = NA, covU = NA, expectations = "")
        next
      }
      models <- m$solution
      for (i in seq_along(models)) {
        ic <- if (length(models) == 1) m$IC else m$IC$individual[[i]]
        terms <- rownames(ic$incl.cov)
        out[[length(out) + 1]] <- data.frame(set = s, cut = cut, solution = kind, model = paste0("M", i),
                                             term = terms, inclS = ic$incl.cov$inclS, covS = ic$incl.cov$covS,
                                             covU = ic$incl.cov$covU, expectations = "")
        out[[length(out) + 1]] <- data.frame(set = s, cut = cut, solution = kind, model = paste0("M", i),
                                             term = paste(models[[i]], collapse = " + "),
                                             inclS = ic$sol.incl.cov[1, "inclS"], covS = ic$sol.incl.cov[1, "covS"],
                                             covU = NA, expectations = "")
      }
    }
  }
}
fmt <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
all_sets <- do.call(rbind, lapply(sets, function(x) { for (c in setdiff(LETTERS[1:5], names(x))) x[[c]] <- NA; x[, c("set", "case", LETTERS[1:5], "Y")] }))
write.csv(all_sets, file.path(here, "datasets.csv"), row.names = FALSE, na = "")
res <- do.call(rbind, out)
res$inclS <- fmt(res$inclS); res$covS <- fmt(res$covS); res$covU <- fmt(res$covU)
write.csv(res, file.path(here, "solutions.csv"), row.names = FALSE)
writeLines(toJSON(list(generated_by = "tests/data/oracles/qca/crisp_minimize.R", r_version = R.version.string,
                       packages = list(QCA = as.character(packageVersion("QCA")),
                                       admisc = as.character(packageVersion("admisc")),
                                       declared = as.character(packageVersion("declared")),
                                       venn = as.character(packageVersion("venn"))),
                       source = "github.com/dusadrian/QCA (and admisc, declared, venn), built with R CMD INSTALL"),
                  auto_unbox = TRUE, pretty = TRUE), file.path(here, "versions.json"))
cat("wrote", length(sets), "data sets and", nrow(res), "solution rows\n")
