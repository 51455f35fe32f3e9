"""kpispec: KPI plans as code."""

__version__ = "0.1.0"

# Where the documentation site is published (mkdocs.yml's site_url): rule pages, the JSON Schemas,
# SARIF's informationUri and helpUri all live under it.
DOCS_URL = "https://kpispec.dev/"
