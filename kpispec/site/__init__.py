"""Documentation sites from plans: the KPI tree a whole company can read.

- `pages.generate(plans, lang)`: Markdown pages (an index, a page per plan, a page per rule) and
  the site's stylesheet, from analysed plans. It does not import mkdocs: moving to another site
  generator later means another thin layer, not another generator.
- `collect.collect(paths)`: finds and analyses plans the way `kpispec check` does (the same
  path safety, size limit and configuration).
- `plugin.KpispecPlugin`: the mkdocs plugin (`plugins: [kpispec]`) that adds the pages to a site;
  `kpispec docs` builds a whole site with it and a generated configuration.
"""

from __future__ import annotations

# Where docs/install.md says how to add the extra (the site's address for that page and section).
DOCS_EXTRA_HELP = "install/#the-docs-extra"


def needs_docs_extra(what: tuple[str, str], exc: ImportError):
    """The one line said when a site is asked for and the site generator is not installed: mkdocs,
    Pygments and Babel come with the `docs` extra (`kpispec[docs]`), not with the plain install
    that the pre-commit hook builds (pyproject.toml). `what`: who needs it, in English and Japanese."""
    from .. import DOCS_URL
    from ..cli.io import Text

    missing = (exc.name or "").partition(".")[0] or "?"
    url = DOCS_URL + DOCS_EXTRA_HELP
    return Text(f"{what[0]} needs the site generator, which is not installed ({missing} cannot be imported): "
                f"install kpispec with its docs extra, kpispec[docs] ({url})",
                f"{what[1]} にはサイト生成ツールが必要ですが、インストールされていません（{missing} を読み込めません）。"
                f"kpispec を docs エクストラ付き（kpispec[docs]）でインストールしてください（{url}）")
