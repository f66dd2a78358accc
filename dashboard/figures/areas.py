"""Areas page charts: areas ranked by share of plan reached against time elapsed, each area's cost
over time against an even path, and a tile grid of regions (no map data needs to be shipped)."""

from __future__ import annotations

import textwrap

import pandas as pd

from dashboard import formatting as fmt
from dashboard.figures.chart import CHART_NOTE, Chart, panel_grid, panels_to_show
from dashboard.figures.theme import BLUE, INK, MUTED, ORANGE, PURPLE, TRACK, VERMILLION, base_layout, legend_on_top, panels_title
from dashboard.i18n import translate
from queries.withheld import Withheld

SHARES = (("budget_used", BLUE), ("participants_share", ORANGE), ("person_days_share", PURPLE))

# Finland's regions (maakunnat, 2016) as a schematic grid: (column, row), north at the top.
REGION_TILES = {
    "Lappi": (2, 0),
    "Pohjois-Pohjanmaa": (2, 1),
    "Kainuu": (3, 1),
    "Pohjanmaa": (0, 2),
    "Keski-Pohjanmaa": (1, 2),
    "Pohjois-Savo": (3, 2),
    "Pohjois-Karjala": (4, 2),
    "Etelä-Pohjanmaa": (1, 3),
    "Keski-Suomi": (2, 3),
    "Etelä-Savo": (3, 3),
    "Satakunta": (0, 4),
    "Pirkanmaa": (1, 4),
    "Päijät-Häme": (2, 4),
    "Etelä-Karjala": (4, 4),
    "Varsinais-Suomi": (0, 5),
    "Kanta-Häme": (1, 5),
    "Kymenlaakso": (3, 5),
    "Uusimaa": (2, 6),
    "Ahvenanmaa": (0, 6),
}


def ranking_chart(progress: pd.DataFrame, lang: str) -> Chart:
    """Three bars per area (share of budget used, of participants, of person-days), best pace on top,
    and the share of time elapsed as a line: a bar short of the line is behind an even path."""
    frame = progress.iloc[::-1]
    figure = Chart()
    for column, colour in SHARES:
        name = translate(f"areas.share.{column}", lang)
        values = frame[column]
        labels = [fmt.percent(v, 0, lang) if pd.notna(v) else translate("areas.hidden", lang) for v in values]
        figure.add_bar(
            y=frame["area"],
            x=values.fillna(0),
            orientation="h",
            name=name,
            marker={"color": colour},
            text=labels,
            textposition="outside",
            cliponaxis=False,
            customdata=frame["implementer_id"],
            hovertemplate=f"%{{y}} · {name}: %{{text}}<extra></extra>",
        )
    elapsed = float(progress["time_elapsed"].iloc[0]) if len(progress) else 0
    figure.add_vline(
        x=elapsed,
        line={"color": VERMILLION, "width": 3, "dash": "dash"},
        annotation_text=translate("areas.elapsed", lang, share=fmt.percent(elapsed, 0, lang)),
        annotation_position="top left",  # left of the line: on a phone the right runs off the chart
        annotation_font={"color": INK, "size": 14},
    )
    height = max(360, 150 + 78 * len(frame))
    figure.update_layout(
        **base_layout(translate("areas.ranking.title", lang), fmt.PLOTLY_SEPARATORS[lang]),
        barmode="group",
        height=height,
        bargap=0.25,
        clickmode="event",
    )
    # The legend 12 px above the plot, whatever its height: as a share of the plot (300 areas nationally
    # make it 23 000 px tall) it stood 470 px above, with the title adrift in the gap.
    top = 100
    legend_on_top(figure, 1.0, top)
    plot = height - figure.layout["margin"]["t"] - figure.layout["margin"]["b"]  # the top margin fits the legend
    figure.update_layout(legend={"y": 1 + 12 / plot})
    longest = max([1.0, *[float(v) for c, _ in SHARES for v in progress[c].dropna()]])
    figure.update_xaxes(tickformat=".0%", gridcolor=TRACK, range=[0, longest * 1.15])
    figure.update_yaxes(tickfont={"size": 16, "color": INK}, ticksuffix="  ")
    return figure


def progress_multiples(
    over_time: pd.DataFrame, areas: dict[str, str], start, end, lang: str, since=None, meetings: tuple = (), as_of=None
) -> Chart:
    """Each area's cumulative cost as a share of its budget against an even path to 100 %; the
    period since `since` (up to as_of) shaded and the meetings marked on each panel."""
    drawn = set(over_time["implementer_id"].unique())
    present = [i for i in areas if i in drawn]
    # Furthest from the even path (either way) first.
    latest = over_time.sort_values("day").groupby("implementer_id").last()
    days = (pd.Timestamp(end) - pd.Timestamp(start)).days or 1
    elapsed = (pd.to_datetime(latest["day"]) - pd.Timestamp(start)).dt.days / days
    urgency = (latest["budget_share"] - elapsed).abs().dropna().to_dict()
    implementers = panels_to_show(present, urgency)
    drawn_rows = over_time[over_time["implementer_id"].isin(implementers)]
    own_rows = dict(tuple(drawn_rows.groupby("implementer_id", sort=False)))
    figure, position_of, rows = panel_grid([areas[i] for i in implementers], shared_yaxes=True)
    actual_name, path_name = translate("areas.multiples.actual", lang), translate("areas.multiples.path", lang)
    for index, implementer in enumerate(implementers):
        position = position_of(index)
        own = own_rows[implementer]
        figure.add_scatter(
            x=[pd.Timestamp(start), pd.Timestamp(end)],
            y=[0, 1],
            mode="lines",
            name=path_name,
            legendgroup="path",
            showlegend=index == 0,
            line={"color": INK, "dash": "dot"},
            hoverinfo="skip",
            **position,
        )
        figure.add_scatter(
            x=own["day"],
            y=own["budget_share"],
            mode="lines",
            name=actual_name,
            legendgroup="actual",
            showlegend=index == 0,
            line={"color": BLUE, "width": 3},
            hovertemplate=f"{actual_name}: %{{y:.0%}}<extra></extra>",
            **position,
        )
    figure.update_layout(
        **base_layout(
            panels_title(translate("areas.multiples.title", lang), len(implementers), len(present), lang),
            fmt.PLOTLY_SEPARATORS[lang],
        ),
        height=max(320, 270 * rows),
        hovermode="x unified",
    )
    legend_on_top(figure, 1.06, 110)
    figure.update_yaxes(tickformat=".0%", gridcolor=TRACK, range=[0, 1.2])
    figure.update_xaxes(gridcolor=TRACK, tickformat="%Y", hoverformat=fmt.PLOTLY_DATES[lang], dtick="M12")
    figure.update_annotations(font={"size": 15, "color": INK})
    return figure.mark_panels(meetings, since, as_of)


# Where a long word of a region's name breaks, so that each line fits a tile (Finnish compounds:
# before the last part of the compound).
_WORD_BREAKS = {
    "Pohjanmaa": "Pohjan-<br>maa",
    "Kymenlaakso": "Kymen-<br>laakso",
    "Satakunta": "Sata-<br>kunta",
    "Pirkanmaa": "Pirkan-<br>maa",
    "Ahvenanmaa": "Ahvenan-<br>maa",
    "Varsinais": "Varsi-<br>nais",
    "Karjala": "Karjala",
}


def tile_label(region: str) -> str:
    """A region's name in lines that fit its tile: broken at its hyphens and inside long words."""
    return "-<br>".join(_WORD_BREAKS.get(word, word) if len(word) > 7 else word for word in region.split("-"))


def region_tiles(counts: dict[str, int | Withheld], selected: str | None, lang: str, notes: list[str] = ()) -> Chart:
    """A tile per region; regions of the plan carry their participant count (hidden as <threshold where
    small) and can be clicked to filter; the others are shown pale for orientation. `notes` say why
    the tiles do not add up to the participants."""
    figure = Chart()
    for in_plan in (False, True):
        names = [r for r in REGION_TILES if (r in counts) == in_plan]
        if not names:
            continue
        label = {r: tile_label(r) for r in names}
        texts = [f"<b>{label[r]}</b><br>{fmt.count(counts[r], lang)}" if in_plan else label[r] for r in names]
        colours = [(ORANGE if r == selected else BLUE) if in_plan else "#eef1f4" for r in names]
        figure.add_scatter(
            x=[REGION_TILES[r][0] for r in names],
            y=[-REGION_TILES[r][1] for r in names],
            mode="markers+text",
            marker={"symbol": "square", "size": 80, "color": colours, "line": {"color": "white", "width": 2}},
            text=texts,
            textfont={"color": "white" if in_plan else MUTED, "size": 12 if in_plan else 10},
            customdata=names,
            hovertemplate="%{customdata}<extra></extra>"
            if not in_plan
            else f"%{{customdata}}: %{{text}}<extra>{translate('areas.tiles.click', lang)}</extra>",
            showlegend=False,
        )
    figure.update_layout(
        **base_layout(translate("areas.tiles.title", lang), fmt.PLOTLY_SEPARATORS[lang]), height=640, clickmode="event"
    )
    notes = fmt.withheld_notes(counts.values(), lang) + list(notes)  # what "<5" and ".." mean, and the sums
    lines = [line for note in notes for line in textwrap.wrap(note, 56)]
    if lines:
        figure.update_layout(height=640 + 16 * len(lines), margin={"b": 24 + 16 * len(lines)})  # room under the tiles
        figure.add_annotation(
            text="<br>".join(lines),
            name=CHART_NOTE,
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            xanchor="left",
            yanchor="top",
            showarrow=False,
            align="left",
            font={"color": MUTED, "size": 12},
        )
    figure.update_xaxes(visible=False, range=[-0.6, 4.6])
    figure.update_yaxes(visible=False, range=[-6.6, 0.6], scaleanchor="x")
    return figure
