"""The frame around every page: header with navigation, the filter bar, notices, the page slot.
Its callbacks route the URL path to a page and keep the filters and the URL query in step."""

from __future__ import annotations

from dataclasses import replace

from dash import Input, Output, State, ctx, dcc, html, no_update

from dashboard import formatting as fmt
from dashboard import state
from dashboard.components.filters import DATE_FORMATS, LABELS, PLACEHOLDERS, dropdown_labels, filter_bar
from dashboard.components.notices import demo_badge, plan_error_page, problems_notice
from dashboard.contract import LANGUAGES
from dashboard.i18n import DEFAULT_LANGUAGE, language, translate
from dashboard.pages import BY_PATH, NAV_PAGES
from dashboard.url_state import from_inputs, keep_display_params, parse_date, parse_query, to_query, with_since
from dashboard.view import cascade, clean_filters, last_possible_day, plan_options
from queries.summary import extract_date_range, resolve_as_of


def layout():
    """Built per page load, so it always shows the data currently served."""
    result = state.current()
    lang = DEFAULT_LANGUAGE
    if not result.ok:
        return html.Main(plan_error_page(result.problems, lang, result.shown_name), className="app")
    project = result.plan.project
    as_of = resolve_as_of(result.store)  # every as-of date is clamped to the project period
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Store(id="lang", data=lang),
            html.Header(
                [
                    html.Div(
                        [
                            html.Span(translate("app.title", lang), className="brand", id="brand-title"),
                            html.Span(project["name"], className="project-name"),
                            demo_badge(lang, shown=result.is_demo),
                        ],
                        className="brand-block",
                    ),
                    html.Nav(
                        [
                            dcc.Link(
                                translate(page.TITLE_KEY, lang),
                                href=page.PATH,
                                id=f"nav-{page.__name__.rsplit('.', 1)[-1]}",
                                className="nav-link",
                            )
                            for page in NAV_PAGES
                        ],
                        className="app-nav",
                        id="app-nav",
                        **{"aria-label": translate("nav.label", lang)},
                    ),
                    html.A(translate("nav.report", lang), href=REPORT_PDF, id="report-link", className="report-link"),
                    language_switch(lang),
                ],
                className="app-header",
            ),
            filter_bar(plan_options(result), lang, project["start_date"], last_possible_day(result), as_of),
            html.Div(problems_notice(result.problems, lang, result.shown_name), id="problems-slot"),
            html.Main(id="page-content", className="app-main"),
            html.Footer(
                footer_text(result, lang),
                className="app-footer",
                id="app-footer",
            ),
        ],
        className="app",
    )


REPORT_PDF = "/raportti.pdf"  # served by the factory's report route


def footer_text(result, lang: str) -> str:
    """The project and how fresh its data is; never a server path."""
    loaded = f"{fmt.date(result.loaded_at.date(), lang)} {result.loaded_at:%H:%M}"
    latest = extract_date_range(result.store)[1]
    project = result.plan.project["name"]
    if latest is None:
        return translate("footer.no_data", lang, project=project, loaded=loaded)
    return translate("footer.sources", lang, project=project, latest=fmt.date(latest, lang), loaded=loaded)


def language_switch(lang: str):
    """Each language named in itself; the links keep the current view (hrefs set by a callback)."""
    return html.Nav(
        [
            dcc.Link(
                translate(f"lang.name.{code}", code),
                href=f"?lang={code}",
                id=f"lang-{code}",
                className="lang-link",
            )
            for code in LANGUAGES
        ],
        className="lang-switch",
        id="lang-switch",
        **{"aria-label": translate("lang.label", lang)},
    )


def frame_texts(result, lang: str) -> list:
    """Every text of the frame in `lang`, in the order of FRAME_OUTPUTS."""
    t = lambda key: translate(key, lang)  # noqa: E731
    return [
        t("app.title"),
        t("demo.badge"),
        t("demo.note"),
        *[t(page.TITLE_KEY) for page in NAV_PAGES],
        t("nav.report"),
        t("nav.label"),
        t("lang.label"),
        *[t(key) for key in LABELS.values()],
        *[t(key) for key in PLACEHOLDERS.values()],
        *[dropdown_labels(lang)] * len(PLACEHOLDERS),
        DATE_FORMATS.get(lang, DATE_FORMATS["fi"]),
        t("filter.share"),
        t("filter.copy_link"),
        t("filter.copy_link"),
        t("filter.bar"),
        footer_text(result, lang) if result.ok else "",
        problems_notice(result.problems, lang, result.shown_name),
    ]


FRAME_OUTPUTS = [
    ("brand-title", "children"),
    ("demo-badge", "children"),
    ("demo-badge", "title"),
    *[(f"nav-{page.__name__.rsplit('.', 1)[-1]}", "children") for page in NAV_PAGES],
    ("report-link", "children"),
    ("app-nav", "aria-label"),
    ("lang-switch", "aria-label"),
    *[(f"label-{control}", "children") for control in LABELS],
    *[(control, "placeholder") for control in PLACEHOLDERS],
    *[(control, "labels") for control in PLACEHOLDERS],
    ("filter-as-of", "display_format"),
    ("copy-link-label", "children"),
    ("copy-link", "title"),
    ("copy-link-status", "children"),
    ("filter-bar", "aria-label"),
    ("app-footer", "children"),
    ("problems-slot", "children"),
]


def not_found(lang: str):
    return html.Div(
        [html.H1(translate("notfound.title", lang)), dcc.Link(translate("notfound.back", lang), href="/")], className="page"
    )


def register(app) -> None:
    @app.callback(Output("page-content", "children"), Input("url", "pathname"), Input("lang", "data"))
    def route(pathname, lang):
        page = BY_PATH.get(pathname or "/") if isinstance(pathname, str) else None
        return page.layout(language(lang)) if page else not_found(language(lang))

    @app.callback(
        Output("copy-link", "content"),
        Output("copy-link-status", "children"),
        Input("copy-link", "n_clicks"),
        State("url", "href"),
        State("lang", "data"),
        prevent_initial_call=True,
    )
    def copy_link(_clicks, href, lang):
        """The link to exactly this view: the URL holds every filter."""
        return (href if isinstance(href, str) else no_update), translate("filter.copied", language(lang))

    @app.callback(
        [Output(f"nav-{page.__name__.rsplit('.', 1)[-1]}", "href") for page in NAV_PAGES]
        + [Output(f"lang-{code}", "href") for code in LANGUAGES]
        + [Output("report-link", "href")],
        Input("url", "search"),
        State("url", "pathname"),
    )
    def keep_filters_in_links(search, pathname):
        chosen = parse_query(search)
        page_links = [page.PATH + to_query(chosen) for page in NAV_PAGES]
        here = pathname if isinstance(pathname, str) and pathname in BY_PATH else "/"
        language_links = [here + to_query(replace(chosen, lang=code)) for code in LANGUAGES]
        return [*page_links, *language_links, REPORT_PDF + to_query(chosen)]

    @app.callback(
        [Output(i, p, allow_duplicate=(i == "copy-link-status")) for i, p in FRAME_OUTPUTS],
        Input("lang", "data"),
        prevent_initial_call="initial_duplicate",
    )
    def translate_frame(lang):
        return frame_texts(state.current(), language(lang))

    # Presentation mode: the frame (header, filters, footer) goes away on /esitys and with ?kiosk=1.
    app.clientside_callback(
        """function (path, search) {
            var kiosk = path === "/esitys" || path === "/raportti" || /[?&]kiosk=1(&|$)/.test(search || "");
            document.body.classList.toggle("kiosk", kiosk);
        }""",
        Input("url", "pathname"),
        Input("url", "search"),
    )

    # Screen readers, hyphenation and the browser's own controls follow the chosen language.
    app.clientside_callback(
        "function (lang) { if (lang) { document.documentElement.lang = lang; } return window.dash_clientside.no_update; }",
        Output("lang-switch", "className"),
        Input("lang", "data"),
    )

    @app.callback(
        Output("url", "search", allow_duplicate=True),
        Input("filter-since", "value"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def since_to_url(since, search):
        """The since control writes `since` into the URL (the filter bar's sync keeps it there)."""
        chosen = parse_date(since if isinstance(since, str) else None)
        query = with_since(search if isinstance(search, str) else "", chosen)
        return query if query != (search or "") else no_update

    @app.callback(Output("filter-since", "value"), Input("url", "search"), State("filter-since", "value"))
    def since_from_url(search, shown):
        """A link with `since` opens with it chosen."""
        asked = parse_query(search).since
        value = asked.isoformat() if asked else None
        return value if value != shown else no_update

    @app.callback(
        Output("url", "search"),
        Output("filter-implementer", "value"),
        Output("filter-region", "value"),
        Output("filter-municipality", "value"),
        Output("filter-as-of", "date"),
        Output("lang", "data"),
        Output("filter-region", "options"),
        Output("filter-municipality", "options"),
        Input("url", "search"),
        Input("filter-implementer", "value"),
        Input("filter-region", "value"),
        Input("filter-municipality", "value"),
        Input("filter-as-of", "date"),
        State("lang", "data"),
    )
    def sync_url_and_filters(search, implementer, region, municipalities, as_of, lang):
        return sync(state.current(), ctx.triggered_id, search, implementer, region, municipalities, as_of, lang)


def sync(result, triggered_id, search, implementer, region, municipalities, as_of, lang):
    """URL -> filters when the page opens or history moves; filters -> URL when a person picks.
    Each filter narrows the choices of the next (implementer -> regions -> municipalities); a value
    the narrower choices no longer hold is dropped. Returns (search, implementer, region,
    municipalities, as_of, lang, region options, municipality options), no_update where unchanged."""
    options = plan_options(result)
    from_url = triggered_id in (None, "url")
    asked = parse_query(search) if from_url else from_inputs(implementer, region, municipalities, as_of, lang)
    regions, towns, chosen = cascade(options, clean_filters(result, asked))
    choices = ([{"label": r, "value": r} for r in regions], [{"label": m, "value": m} for m in towns])
    if from_url:
        return (
            no_update,
            chosen.implementer,
            chosen.region,
            list(chosen.municipalities),
            chosen.as_of.isoformat() if chosen.as_of else None,
            chosen.lang,
            *choices,
        )
    query = keep_display_params(to_query(chosen), search)
    pruned_region = chosen.region if chosen.region != asked.region else no_update
    pruned_towns = list(chosen.municipalities) if chosen.municipalities != asked.municipalities else no_update
    return (
        (query if query != (search or "") else no_update),
        no_update,
        pruned_region,
        pruned_towns,
        no_update,
        no_update,
        *choices,
    )
