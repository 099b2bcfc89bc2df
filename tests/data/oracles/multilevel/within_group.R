# Reference values for mio-qual's within-group agreement and reliability, computed with R.
#
# Run from the repository root (R >= 4, packages multilevel, psych, lme4, jsonlite; on Debian:
# apt-get install r-cran-multilevel r-cran-psych r-cran-lme4 r-cran-jsonlite):
#
#     Rscript tests/data/oracles/multilevel/within_group.R
#
# It writes, next to itself,
#   synthetic5.csv           a generated 18-item, 0-4 file in the layout of the ICS (seeded; edge cases:
#                            a one-person group, full agreement, more spread than the uniform null,
#                            missing items, a respondent without a clinic, unequal group sizes),
#   synthetic7.csv           a generated 6-item, 1-7 file with a reversed item (key: synthetic7_key.yaml),
#   reference.csv            per data set, scale and group: n, mean, SD and rwg(j) from multilevel::rwg.j,
#                            r*wg(j) from multilevel::rwg.j.lindell;
#                            per item and group: rwg from multilevel::rwg; per scale: ICC(1) and ICC(2)
#                            from multilevel::ICC1 / ICC2 on aov(); on a balanced subset (the first m
#                            scored respondents of each group with at least m): psych::ICC's ICC1 and
#                            ICC1k beside multilevel's; ICC(1) from lme4's REML variance components, on the
#                            whole data and on the balanced subset;
#   reference.json           R and package versions, the files read, the balanced subsets' respondents.
# and reads the sample project's measures (transcripts_sample/measures/ics.csv, ils.csv, ebpas.csv).
# tests/mixed/test_measures_r.py recomputes every value with mio_qual.mixed.measures and compares.
# CI has no R: the tests read reference.json only.
#
# The scoring keys below are mio-qual's (src/mio_qual/mixed/measures.py); the statistics are the
# R packages' own functions, nothing of mio-qual's code is used here.

suppressPackageStartupMessages({
  library(multilevel)
  library(psych)
  library(jsonlite)
  library(lme4)
})

# ICC(1) from the variance components of a random-intercept model fitted by REML (lme4): with balanced
# groups it equals the ANOVA estimate whenever that is positive (REML and ANOVA estimators of a balanced
# one-way design coincide inside the parameter space); with unequal groups it differs a little.
reml_icc1 <- function(y, g) {
  fit <- lme4::lmer(y ~ 1 + (1 | g), data = data.frame(y = y, g = as.factor(g)), REML = TRUE)
  v <- as.data.frame(lme4::VarCorr(fit))$vcov
  v[1] / (v[1] + v[2])
}

here <- "tests/data/oracles/multilevel"
if (!dir.exists(here)) stop("run from the repository root")
sample_dir <- "transcripts_sample/measures"

# ---- synthetic data ---------------------------------------------------------------------------
set.seed(20261204, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")

clip <- function(x, lo, hi) pmin(pmax(round(x), lo), hi)

make5 <- function() {
  # group -> size, level (0-4 scale), person spread; special groups handled below
  plan <- list(s01 = c(1, 2.0, 0.5), s02 = c(2, 3.0, 0.4), s03 = c(5, NA, NA), s04 = c(6, NA, NA),
               s05 = c(4, NA, NA), s06 = c(3, 1.5, 0.3), s07 = c(7, 2.5, 0.6), s08 = c(9, 3.2, 0.3),
               s09 = c(12, 2.0, 0.9), s10 = c(15, 1.2, 0.5))
  rows <- list()
  for (g in names(plan)) {
    p <- plan[[g]]
    for (i in seq_len(p[1])) {
      if (g == "s03") {
        x <- rep(c(3, 2, 3), 6)                              # everyone answers alike: rwg(j) = 1
      } else if (g == "s04") {
        x <- rep(if (i %% 2) 0 else 4, 18)                   # halves at both ends: s^2 > sigma^2_EU
      } else if (g == "s05") {
        x <- sample(0:4, 18, replace = TRUE)                 # answers at random: s^2 near sigma^2_EU
      } else {
        x <- clip(p[2] + rnorm(1, 0, p[3]) + rnorm(18, 0, 0.5), 0, 4)
      }
      rows[[length(rows) + 1]] <- data.frame(respondent_id = sprintf("%s-r%02d", g, i), clinic = g,
                                             agency = if (g <= "s05") "a1" else "a2",
                                             t(setNames(x, paste0("ics", 1:18))), check.names = FALSE)
    }
  }
  d <- do.call(rbind, rows)
  d[d$respondent_id == "s07-r02", "ics5"] <- NA          # educational support and total not scored
  d[d$respondent_id == "s09-r04", "ics17"] <- NA         # selection for openness and total
  d[d$respondent_id == "s10-r01", c("ics1", "ics2")] <- NA
  d[d$respondent_id == "s09-r12", "clinic"] <- NA        # no clinic: left out of every statistic by clinic
  d
}

make7 <- function() {
  plan <- list(t1 = c(2, 5.0, 0.5), t2 = c(3, 4.0, 1.0), t3 = c(4, 6.0, 0.3), t4 = c(5, 2.0, 0.8),
               t5 = c(6, 4.0, 2.5), t6 = c(8, 3.0, 0.6), t7 = c(10, 5.0, 1.2))
  rows <- list()
  for (g in names(plan)) {
    p <- plan[[g]]
    for (i in seq_len(p[1])) {
      x <- clip(p[2] + rnorm(1, 0, p[3]) + rnorm(6, 0, 0.7), 1, 7)
      x[5] <- 8 - x[5]                                       # item 5 is worded the other way
      rows[[length(rows) + 1]] <- data.frame(respondent_id = sprintf("%s-r%02d", g, i), clinic = g,
                                             agency = if (g <= "t3") "b1" else "b2",
                                             t(setNames(x, paste0("syn", 1:6))), check.names = FALSE)
    }
  }
  d <- do.call(rbind, rows)
  d[d$respondent_id == "t6-r03", "syn4"] <- NA
  d
}

syn5 <- make5()
syn7 <- make7()
write.csv(syn5, file.path(here, "synthetic5.csv"), row.names = FALSE, na = "")
write.csv(syn7, file.path(here, "synthetic7.csv"), row.names = FALSE, na = "")

# ---- scoring keys (mio-qual's, restated) --------------------------------------------------------
blocks <- function(names) setNames(lapply(seq_along(names), function(i) (3 * i - 2):(3 * i)), names)
keys <- list(
  ics = list(prefix = "ics", n = 18, low = 0, high = 4, total = "mean_of_subscales", reverse = integer(0),
             reverse_in_total = integer(0),
             sub = blocks(c("focus", "educational_support", "recognition", "rewards", "selection_ebp",
                            "selection_openness"))),
  ils = list(prefix = "ils", n = 12, low = 0, high = 4, total = "mean_of_subscales", reverse = integer(0),
             reverse_in_total = integer(0),
             sub = blocks(c("proactive", "knowledgeable", "supportive", "perseverant"))),
  ebpas = list(prefix = "ebpas", n = 15, low = 0, high = 4, total = "mean_of_items", reverse = integer(0),
               reverse_in_total = c(3, 5, 6, 7),
               sub = list(requirements = c(11, 12, 13), appeal = c(9, 10, 14, 15), openness = c(1, 2, 4, 8),
                          divergence = c(3, 5, 6, 7))),
  syn = list(prefix = "syn", n = 6, low = 1, high = 7, total = "mean_of_subscales", reverse = 5L,
             reverse_in_total = integer(0), sub = list(x = 1:3, y = 4:6))
)

# ---- statistics with the R packages -----------------------------------------------------------
rows <- list()
add <- function(dataset, by, scale, group, statistic, value) {
  rows[[length(rows) + 1]] <<- list(dataset = dataset, by = by, scale = scale, group = group,
                                   statistic = statistic, value = if (is.na(value)) NA else unname(value))
}
subsets <- list()

check <- function(dataset, d, key, by, m = 4) {
  items <- as.matrix(d[, paste0(key$prefix, 1:key$n)])
  storage.mode(items) <- "double"
  flip <- key$low + key$high
  for (i in key$reverse) items[, i] <- flip - items[, i]
  in_total <- items
  for (i in key$reverse_in_total) in_total[, i] <- flip - in_total[, i]
  ranvar <- ((key$high - key$low + 1)^2 - 1) / 12          # uniform null, James, Demaree & Wolf 1984
  grp <- d[[by]]
  scales <- c(key$sub, list(total = seq_len(key$n)))
  sub_scores <- sapply(key$sub, function(s) rowMeans(items[, s, drop = FALSE]))   # NA when an item is
  for (scale in names(scales)) {
    cols <- scales[[scale]]
    x <- if (scale == "total") in_total[, cols, drop = FALSE] else items[, cols, drop = FALSE]
    score <- if (scale != "total") sub_scores[, scale] else if (key$total == "mean_of_items") rowMeans(x)
             else rowMeans(sub_scores)
    keep <- !is.na(score) & !is.na(grp)
    r <- multilevel::rwg.j(x[keep, , drop = FALSE], grp[keep], ranvar = ranvar)
    for (j in seq_len(nrow(r))) {
      g <- as.character(r$grpid[j])
      in_g <- keep & grp == g
      add(dataset, by, scale, g, "n", sum(in_g))
      add(dataset, by, scale, g, "mean", mean(score[in_g]))
      add(dataset, by, scale, g, "sd", if (sum(in_g) > 1) sd(score[in_g]) else NA)
      add(dataset, by, scale, g, "rwg_j", r$rwg.j[j])
    }
    # r*wg(j) (Lindell, Brandt & Whitney 1999): 1 - mean item variance / sigma^2_EU, not raised by the
    # number of items and not truncated (multilevel::rwg.j.lindell)
    rl <- multilevel::rwg.j.lindell(x[keep, , drop = FALSE], grp[keep], ranvar = ranvar)
    for (j in seq_len(nrow(rl))) add(dataset, by, scale, as.character(rl$grpid[j]), "rwg_lindell", rl$rwg.lindell[j])
    model <- aov(y ~ as.factor(g), data = data.frame(y = score[keep], g = grp[keep]))
    add(dataset, by, scale, "", "icc1", multilevel::ICC1(model))
    add(dataset, by, scale, "", "icc2", multilevel::ICC2(model))
    add(dataset, by, scale, "", "lme4_icc1", suppressMessages(reml_icc1(score[keep], grp[keep])))
    # balanced subset: the first m scored respondents of every group that has m; psych::ICC wants
    # groups as rows (Shrout & Fleiss's targets) and members as columns (their judges)
    ids <- d$respondent_id[keep]
    gs <- grp[keep]
    big <- names(which(table(gs) >= m))
    chosen <- unlist(lapply(big, function(g) head(ids[gs == g], m)))
    wide <- t(sapply(big, function(g) score[match(head(ids[gs == g], m), d$respondent_id)]))
    icc <- psych::ICC(wide, lmer = FALSE)$results
    add(dataset, by, scale, "", "psych_icc1", icc$ICC[icc$type == "ICC1"])
    add(dataset, by, scale, "", "psych_icc1k", icc$ICC[icc$type == "ICC1k"])
    sub <- data.frame(y = score[match(chosen, d$respondent_id)], g = rep(big, each = m))
    bal <- aov(y ~ as.factor(g), data = sub)
    add(dataset, by, scale, "", "balanced_icc1", multilevel::ICC1(bal))
    add(dataset, by, scale, "", "balanced_icc2", multilevel::ICC2(bal))
    add(dataset, by, scale, "", "balanced_lme4_icc1", suppressMessages(reml_icc1(sub$y, sub$g)))
    subsets[[paste(dataset, by, scale, sep = "|")]] <<- chosen
  }
  # single items: rwg = 1 - s^2 / sigma^2_EU per group (multilevel::rwg), over respondents who answered
  for (i in seq_len(key$n)) {
    keep <- !is.na(items[, i]) & !is.na(grp)
    r <- multilevel::rwg(items[keep, i], grp[keep], ranvar = ranvar)
    for (j in seq_len(nrow(r))) add(dataset, by, paste0("item", i), as.character(r$grpid[j]), "rwg", r$rwg[j])
  }
}

read_sample <- function(name) read.csv(file.path(sample_dir, paste0(name, ".csv")), stringsAsFactors = FALSE)
ics <- read_sample("ics")
ils <- read_sample("ils")
ebpas <- read_sample("ebpas")
check("sample_ics", ics, keys$ics, "clinic")
check("sample_ics", ics, keys$ics, "agency", m = 10)
check("sample_ils", ils, keys$ils, "clinic")
check("sample_ebpas", ebpas, keys$ebpas, "clinic")
check("synthetic5", syn5, keys$ics, "clinic")
check("synthetic5", syn5, keys$ics, "agency", m = 15)
check("synthetic7", syn7, keys$syn, "clinic", m = 3)

table <- data.frame(dataset = sapply(rows, `[[`, "dataset"), by = sapply(rows, `[[`, "by"),
                    scale = sapply(rows, `[[`, "scale"), group = sapply(rows, `[[`, "group"),
                    statistic = sapply(rows, `[[`, "statistic"),
                    value = ifelse(is.na(sapply(rows, `[[`, "value")), "",
                                   sprintf("%.17g", sapply(rows, `[[`, "value"))))
write.csv(table, file.path(here, "reference.csv"), row.names = FALSE, quote = FALSE)
meta <- list(
  generated_by = "tests/data/oracles/multilevel/within_group.R",
  values = "reference.csv (dataset, by, scale, group, statistic, value; empty value = NA in R)",
  r_version = R.version.string,
  packages = list(multilevel = as.character(packageVersion("multilevel")),
                  psych = as.character(packageVersion("psych")),
                  jsonlite = as.character(packageVersion("jsonlite")),
                  lme4 = as.character(packageVersion("lme4"))),
  files = list(sample_ics = "transcripts_sample/measures/ics.csv", sample_ils = "transcripts_sample/measures/ils.csv",
               sample_ebpas = "transcripts_sample/measures/ebpas.csv",
               synthetic5 = "tests/data/oracles/multilevel/synthetic5.csv",
               synthetic7 = "tests/data/oracles/multilevel/synthetic7.csv"),
  balanced_subsets = subsets
)
writeLines(toJSON(meta, auto_unbox = TRUE, pretty = TRUE), file.path(here, "reference.json"))
cat("wrote", nrow(table), "values to", file.path(here, "reference.csv"), "\n")
