"""Rapid qualitative analysis: templated summaries per transcript and matrices of cases x domains.

* :mod:`.template`: the summary template (domains, prompts, CFIR constructs) in YAML.
* :mod:`.summaries`: filled Word templates read back, quotes bound to the transcript.
* :mod:`.analysis`: matrices, two summarizers compared, rapid analysis against coding, evidence
  for construct ratings.

The Word templates are written by :mod:`mio_qual.reports.rapid_template`; the Project methods
are in :mod:`mio_qual.project.rapid`.
"""
