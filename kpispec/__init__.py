"""kpispec: KPI plans as code."""

__version__ = "0.1.0"

# Where the documentation site is published (mkdocs.yml's site_url): rule pages, the JSON Schemas
# and SARIF's helpUri all live under it.
DOCS_URL = "https://kpispec.dev/"
# The project's home, for SARIF's informationUri and the package metadata.
HOME_URL = "https://github.com/kpispec/kpispec"
