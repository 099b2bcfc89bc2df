# Reference values for the Aim 2 outcomes table (mio_qual.implementation.outcomes), computed with base R from
# the bundled sample's files, nothing of mio-qual's code used.
#
# Run from the repository root (R >= 4):
#
#     Rscript tests/data/oracles/aim2/outcomes.R
#
# It reads transcripts_sample/quant/{reach_adoption,fim_aim_iam,fidelity_sessions}.csv and writes, next to
# itself, outcomes.csv: per outcome and site (each clinic; each agency as "agency:<name>") the value, n and SD:
#   reach       enrolled / eligible; n = eligible; an agency pools its clinics' counts;
#   adoption    delivering / eligible_counselors; n = eligible counselors; pooled likewise;
#   fim aim iam each respondent's mean of the four items (a respondent missing an item is not scored);
#               value = mean over respondents, n, SD (n - 1); an agency pools its respondents;
#   adherence competence  each counselor's mean over their rated sessions, then the mean of counselors
#               (Aim 2's definition: a counselor with many sessions weighs as much as one with few); n counselors;
#               an agency pools its counselors;
#   <rating>_at_benchmark  share of rated sessions at or above 4; n = rated sessions; an agency pools sessions.
# Read by tests/implementation/test_outcomes_r.py; versions.json records the R version.

here <- "tests/data/oracles/aim2"
if (!dir.exists(here)) stop("run from the repository root")
quant <- "transcripts_sample/quant"
ra <- read.csv(file.path(quant, "reach_adoption.csv"), stringsAsFactors = FALSE)
fm <- read.csv(file.path(quant, "fim_aim_iam.csv"), stringsAsFactors = FALSE)
fs <- read.csv(file.path(quant, "fidelity_sessions.csv"), stringsAsFactors = FALSE)

rows <- list()
add <- function(outcome, site, value, n, sd) {
  rows[[length(rows) + 1]] <<- data.frame(outcome = outcome, site = site, value = sprintf("%.17g", value), n = n,
                                          sd = if (is.na(sd)) "" else sprintf("%.17g", sd))
}
ratio <- function(outcome, num, den) {
  for (i in seq_len(nrow(ra))) add(outcome, ra$clinic[i], ra[[num]][i] / ra[[den]][i], ra[[den]][i], NA)
  for (a in sort(unique(ra$agency))) {
    part <- ra[ra$agency == a, ]
    add(outcome, paste0("agency:", a), sum(part[[num]]) / sum(part[[den]]), sum(part[[den]]), NA)
  }
}
ratio("reach", "enrolled", "eligible")
ratio("adoption", "delivering", "eligible_counselors")

for (m in c("fim", "aim", "iam")) {
  items <- as.matrix(fm[, paste0(m, "_", 1:4)])
  score <- rowMeans(items)                                   # NA when an item is missing
  keep <- !is.na(score)
  for (g in list(list(col = "clinic", pre = ""), list(col = "agency", pre = "agency:"))) {
    for (s in sort(unique(fm[[g$col]]))) {
      x <- score[keep & fm[[g$col]] == s]
      add(m, paste0(g$pre, s), mean(x), length(x), if (length(x) > 1) sd(x) else NA)
    }
  }
}

for (r in c("adherence", "competence")) {
  rated <- fs[!is.na(fs[[r]]), ]
  by_counselor <- aggregate(rated[[r]], by = list(counselor = rated$counselor_id, clinic = rated$clinic,
                                                  agency = rated$agency), FUN = mean)
  for (g in list(list(col = "clinic", pre = ""), list(col = "agency", pre = "agency:"))) {
    for (s in sort(unique(by_counselor[[g$col]]))) {
      x <- by_counselor$x[by_counselor[[g$col]] == s]
      add(r, paste0(g$pre, s), mean(x), length(x), if (length(x) > 1) sd(x) else NA)
      y <- rated[[r]][rated[[g$col]] == s]
      add(paste0(r, "_at_benchmark"), paste0(g$pre, s), mean(y >= 4), length(y), NA)
    }
  }
}

write.csv(do.call(rbind, rows), file.path(here, "outcomes.csv"), row.names = FALSE, quote = FALSE)
writeLines(sprintf('{"generated_by": "tests/data/oracles/aim2/outcomes.R", "r_version": "%s"}', R.version.string),
           file.path(here, "versions.json"))
cat("wrote", length(rows), "values\n")
