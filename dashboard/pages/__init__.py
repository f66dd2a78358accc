"""The pages of the app, one module each: PATH, TITLE_KEY, layout(lang) and register(app)."""

from dashboard.pages import areas, data, finance, overview, participants, presentation, report

NAV_PAGES = (overview, finance, participants, areas, data, presentation)  # in the header
PAGES = (*NAV_PAGES, report)  # the report is reached by its PDF button
BY_PATH = {page.PATH: page for page in PAGES}
