# Reference values for the Stages of Implementation Completion scores (mio_qual.implementation.sic), computed
# with base R from the bundled sample's activity list and completion dates, nothing of mio-qual's code used.
#
# Run from the repository root (R >= 4):
#
#     Rscript tests/data/oracles/aim2/sic.R
#
# Scores (Chamberlain, Brown & Saldana 2011; Saldana 2014) per clinic and phase (pre-implementation,
# implementation, sustainability) and over all activities: activities on the study's list, activities completed
# (an agency activity counts for each clinic of its agency, on the agency's date), proportion completed, first and
# last actual completion date, and duration in days from the first to the last (0 with one, NA with none); the
# stage reached is the furthest stage with a completed activity. Clinics and their agencies come from
# transcripts_sample/quant/reach_adoption.csv. Writes sic.csv next to itself; read by
# tests/implementation/test_sic_r.py.

here <- "tests/data/oracles/aim2"
if (!dir.exists(here)) stop("run from the repository root")
acts <- read.csv("transcripts_sample/implementation/activities.csv", stringsAsFactors = FALSE)
dates <- read.csv("transcripts_sample/implementation/activity_dates.csv", stringsAsFactors = FALSE,
                  na.strings = "")
sites <- read.csv("transcripts_sample/quant/reach_adoption.csv", stringsAsFactors = FALSE)[, c("clinic", "agency")]

rows <- list()
for (i in seq_len(nrow(sites))) {
  clinic <- sites$clinic[i]; agency <- sites$agency[i]
  done <- sapply(seq_len(nrow(acts)), function(k) {
    a <- acts[k, ]
    hit <- if (a$level == "agency") dates[dates$activity_id == a$activity_id & dates$agency == agency &
                                          is.na(dates$clinic), ]
           else dates[dates$activity_id == a$activity_id & !is.na(dates$clinic) & dates$clinic == clinic, ]
    d <- hit$date_completed[!is.na(hit$date_completed)]
    if (length(d)) d[1] else NA
  })
  done <- as.Date(done)
  for (phase in c("pre-implementation", "implementation", "sustainability", "overall")) {
    on <- if (phase == "overall") rep(TRUE, nrow(acts)) else acts$phase == phase
    d <- done[on & !is.na(done)]
    rows[[length(rows) + 1]] <- data.frame(
      clinic = clinic, phase = phase, n_activities = sum(on), n_completed = length(d),
      proportion = sprintf("%.17g", length(d) / sum(on)),
      first_date = if (length(d)) format(min(d)) else "", last_date = if (length(d)) format(max(d)) else "",
      duration_days = if (length(d)) as.numeric(max(d) - min(d)) else "",
      stage_reached = max(acts$stage[!is.na(done)]))
  }
}
write.csv(do.call(rbind, rows), file.path(here, "sic.csv"), row.names = FALSE, quote = FALSE)
cat("wrote", length(rows), "rows\n")
