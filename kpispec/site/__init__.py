"""Documentation sites from plans: the KPI tree a whole company can read.

- `pages.generate(plans, lang)`: Markdown pages (an index, a page per plan, a page per rule) and
  the site's stylesheet, from analysed plans. It does not import mkdocs: moving to another site
  generator later means another thin layer, not another generator.
- `collect.collect(paths)`: finds and analyses plans the way `kpispec check` does (the same
  path safety, size limit and configuration).
- `plugin.KpispecPlugin`: the mkdocs plugin (`plugins: [kpispec]`) that adds the pages to a site;
  `kpispec docs` builds a whole site with it and a generated configuration.
"""
