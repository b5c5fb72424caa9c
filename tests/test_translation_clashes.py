"""One English text, one Chinese text: plugins' catalogues never re-translate the host's words.

Translations are one catalogue per language keyed by the English text, and a plugin's
entries win over the host's, on every screen. So a plugin that gives a host word another
meaning (the kpi plugin's "joined" as a head count, while the host's "joined" heads join
times) relabels the host's columns everywhere it loads. A plugin whose text means something
else uses its own English words; one that means the same uses the host's translation."""

from __future__ import annotations

from console.i18n import ZH_CN


def _catalogues(ws) -> dict[str, dict[str, str]]:
    """Each plugin's zh-CN entries, asked of its own register_translations."""
    out: dict[str, dict[str, str]] = {}
    for impl in ws.pm.hook.register_translations.get_hookimpls():
        got: dict[str, str] = {}

        def register(lang, strings, got=got):
            if lang == "zh-CN":
                got.update(strings)

        impl.function(register)
        out[impl.plugin_name] = got
    return out


def test_no_plugin_retranslates_a_host_word_or_another_plugins(ws):
    cats = _catalogues(ws)
    assert {"moderation", "kpi", "entry_rules"} <= set(cats), sorted(cats)
    clashes = []
    for name, cat in cats.items():
        clashes += [f"{name}: {k!r} is {v!r}, the host says {ZH_CN[k]!r}" for k, v in cat.items()
                    if k in ZH_CN and ZH_CN[k] != v]
    names = sorted(cats)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            clashes += [f"{a} and {b}: {k!r} is {cats[a][k]!r} and {cats[b][k]!r}"
                        for k in set(cats[a]) & set(cats[b]) if cats[a][k] != cats[b][k]]
    assert clashes == [], "\n".join(clashes)
