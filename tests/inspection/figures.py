"""Checks on rendered matplotlib figures, shared by the plotting tests."""


def _drawn_texts(fig):
    """Texts that a render of ``fig`` shows: labels, titles, legends, ticks."""
    texts = list(fig.texts)
    texts += [t for t in (fig._suptitle, fig._supxlabel, fig._supylabel) if t]
    for ax in fig.axes:
        texts += [*ax.texts, ax.title, ax._left_title, ax._right_title]
        if ax.get_legend() is not None:
            texts += ax.get_legend().texts
        if ax.axison:
            texts += [ax.xaxis.label, ax.yaxis.label]
            # Only the ticks inside the view limits are drawn.
            for axis in (ax.xaxis, ax.yaxis):
                texts += [tick.label1 for tick in axis._update_ticks()]
    # A 3D label (Text3D) reports no projected extent after drawing; the
    # legend, titles and 2D labels are what the layout engine must fit.
    return [
        t
        for t in texts
        if t.get_visible() and t.get_text() and type(t).__name__ != "Text3D"
    ]


def assert_texts_inside(fig):
    """Every text ``fig`` draws lies within the figure: nothing is clipped.

    Renders the figure first, as saving it would, so that the layout engine
    has placed the Axes.
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    bounds = fig.bbox
    texts = _drawn_texts(fig)
    assert texts, "the figure draws no text at all"
    for text in texts:
        box = text.get_window_extent(renderer)
        assert (
            box.x0 >= bounds.x0 - 1
            and box.y0 >= bounds.y0 - 1
            and box.x1 <= bounds.x1 + 1
            and box.y1 <= bounds.y1 + 1
        ), f"{text.get_text()!r} is cut off: {box} outside {bounds}"
