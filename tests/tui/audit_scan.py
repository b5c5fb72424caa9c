"""Reading the source for what the codebase's ``audit(``/``audit_many(`` calls write: each code
(literal, conditional, built from a prefix, appended, stored in a dict) and each target type, so
tests/tui/test_audit_words.py can ask that every one of them has zh-CN words. Apart from the tests
so each file stays short."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _values(node, module):
    """The codes an expression can be: ('code', s), ('prefix', s) for a built one, ('?', source)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {("code", node.value)}
    if isinstance(node, ast.IfExp):
        return _values(node.body, module) | _values(node.orelse, module)
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return {("code" if len(node.values) == 1 else "prefix", node.values[0].value)}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _values(node.left, module)
        if all(k == "code" for k, _ in left):
            return {("code", lv + rv) if rk == "code" else ("prefix", lv)
                    for _, lv in left for rk, rv in _values(node.right, module)}
    if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Subscript)
            and isinstance(node.value.slice, ast.Constant) and isinstance(node.slice, ast.Constant)):
        # pl["audit"][0]: the tuples the module stores under that key
        found = {v for d in ast.walk(module) if isinstance(d, ast.Dict) for k, e in zip(d.keys, d.values)
                 if isinstance(k, ast.Constant) and k.value == node.value.slice.value and isinstance(e, ast.Tuple)
                 for v in _values(e.elts[node.slice.value], module)}
        if found:
            return found
    return {("?", ast.unparse(node))}


def _wrappers(module):
    """Functions that pass one of their parameters on as the code of ``.audit(``: name -> its position."""
    out = {}
    for f in ast.walk(module):
        if isinstance(f, ast.FunctionDef):
            params = [a.arg for a in f.args.args]
            for c in ast.walk(f):
                if (isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "audit"
                        and c.args and isinstance(c.args[0], ast.Name) and c.args[0].id in params):
                    out[f.name] = (params.index(c.args[0].id), c.args[0].id)
    return out


def _target(args):
    """An audit row's target type from its (action, type, id) arguments: ('target', type) with an
    id, ('unnumbered', type) without one, ('target?', source) when the scan cannot read it."""
    tt, tid = (list(args[1:3]) + [None, None])[:2]
    if isinstance(tt, ast.Constant) and isinstance(tt.value, str):
        return {("unnumbered" if tid is None or isinstance(tid, ast.Constant) and tid.value is None else "target",
                 tt.value)}
    return set() if tt is None or isinstance(tt, ast.Constant) and tt.value is None else {("target?", ast.unparse(tt))}


def written_codes():
    """Every (kind, value, where) an ``audit(``/``audit_many(`` call of console/ and plugins/ writes:
    its code, and its target type (``_target``)."""
    out = []
    for path in sorted([*ROOT.joinpath("console").rglob("*.py"), *ROOT.joinpath("plugins").rglob("*.py")]):
        module = ast.parse(path.read_text(encoding="utf-8"))
        wrappers = _wrappers(module)
        where = str(path.relative_to(ROOT))
        for node in ast.walk(module):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name == "audit" and node.args:
                out += [(k, v, f"{where}:{node.lineno}") for k, v in _target(node.args)]
                if isinstance(node.args[0], ast.Name) and any(node.args[0].id == p for _, p in wrappers.values()):
                    continue  # inside a wrapper: its callers say the code
                exprs = [node.args[0]]
            elif name in wrappers and isinstance(f, ast.Name) and len(node.args) > wrappers[name][0]:
                exprs = [node.args[wrappers[name][0]]]
            elif name == "audit_many" and node.args:
                arg = node.args[0]
                items = ([arg.elt] if isinstance(arg, ast.ListComp) else arg.elts if isinstance(arg, ast.List) else
                         [a.args[0] for a in ast.walk(module) if isinstance(arg, ast.Name) and isinstance(a, ast.Call)
                          and isinstance(a.func, ast.Attribute) and a.func.attr == "append"
                          and isinstance(a.func.value, ast.Name) and a.func.value.id == arg.id and a.args])
                exprs = [i.elts[0] if isinstance(i, ast.Tuple) else i for i in items] or [arg]
                out += [(k, v, f"{where}:{node.lineno}") for i in items if isinstance(i, ast.Tuple)
                        for k, v in _target(i.elts)]
            else:
                continue
            out += [(kind, value, f"{where}:{node.lineno}") for e in exprs for kind, value in _values(e, module)]
    return out


def built_codes():
    """The codes a plugin builds from a prefix, as the plugin's own source spells their values:
    (prefix, every code). A new built family fails ``test_every_code_written_has_words`` until
    it is listed here, so its codes are checked for words too (test_audit_words.py)."""
    from plugins.kpi.imports import KINDS
    from plugins.wechat.mass_sends import OUTCOME

    values = {"content_points_": ("spend", "adjust", "reset"),  # checkin.change_points' reasons
              "import_": tuple(KINDS), "raid_": ("hold", "remove"),  # raid.act_on_recent's what
              "role_": ("replaced", "unassigned"),  # assign._remove's change
              "wechat_mass_send_": (*OUTCOME.values(), "expired"),  # mass_sends._settle's outcome
              "join_request_": ("approved", "rejected")}  # entry_rules.outcomes: the platform's answer
    return {p: [p + v for v in vs] for p, vs in values.items()}
