"""The pages of the app, one module each: PATH, TITLE_KEY, layout(lang) and register(app)."""

from dashboard.pages import areas, finance, overview, participants, presentation

PAGES = (overview, finance, participants, areas, presentation)
BY_PATH = {page.PATH: page for page in PAGES}
