"""Funding: totals, their components and item costs, decoded to đồng."""

from __future__ import annotations

import functools

from .. import rx as re

from ..model import Funding, Status
from ..recognise import NUM, Value, find_money, open_paren_before, parse_number
from ..rules import load_rules
from .context import Context, target_rules, topic_of
from .roles import NONE, RESULT, Role, cue_hits, is_anecdote, not_a_record, role_in_sentence
from .status import status_record

_NUM_UNIT_RE = re.compile(r"(?P<n>" + NUM + r")\s*(?P<u>.+)$")

_RANK = {"arabic": 1, "letter": 1, "roman": 0}


@functools.lru_cache(maxsize=1)
def _rules():
    r = load_rules("funding")
    return {
        "total": re.compile(r["total"], re.I),
        "item": re.compile(r["item"], re.I),
        "opens": re.compile(r["opens_children"], re.I),
        "between": re.compile(r["breakdown_between"], re.I),
        "sources": [(s["source"], re.compile(s["pattern"], re.I)) for s in r["sources"]],
        "outcome": re.compile(r["outcome"], re.I),
        "year_share": re.compile(r["year_share"], re.I),
        "per_unit": re.compile(r["per_unit_before"], re.I),
    }


def is_outcome_money(can_before: str) -> bool:
    """Money that measures an outcome (income per head, budget revenue …): a target, not funding."""
    return bool(_rules()["outcome"].search(can_before[-160:]))


def _rank(p) -> float:
    if p.kind == "bullet":
        return 3 if p.marker == "+" else 2
    return _RANK.get(p.kind, 0)


def _source(text: str) -> str | None:
    for name, rx in _rules()["sources"]:
        if rx.search(text):
            return name
    return None


def funding_in(ctx: Context) -> tuple[list[Funding], list[Status]]:
    """All money amounts of a document: funding (with its role and the total or item it breaks
    down), and money the text reports as already mobilised or spent (status records)."""
    R = _rules()
    status = target_rules()["status_sections"]
    out: list[Funding] = []
    results: list[Status] = []  # money already mobilised or spent
    stack: list[tuple[float, int]] = []  # open parents: (rank, index in out)
    totals: dict[str, int] = {}  # top-level section label -> index of its total
    last_head = ""
    for pi, p in enumerate(ctx.paras):
        if p.start < ctx.body_start or p.start >= ctx.body_end:
            continue
        moneys = find_money(p.text)
        rank = _rank(p)
        _close_parents(stack, p.kind, rank, bool(moneys))
        if not moneys:
            if p.kind in ("bullet", "arabic", "letter"):
                last_head = re.split(r":", p.text[p.body_start - p.start:], maxsplit=1)[0][:120]
            continue
        chain = ctx.chain(p.start)
        in_results = any(status.search(s.title) for s in chain)
        top = chain[0].label if chain else ""
        sents = ctx.by_para.get(pi, [])
        first_in_para = None
        for m in moneys:
            a_start = p.start + m.start
            sent = next((s for s in sents if s.start <= a_start < s.end), None)
            if sent is None:
                continue
            if is_outcome_money(ctx.can[sent.start:a_start]):
                continue  # read by the target stage with its unit
            role_of = money_role(ctx, sent, a_start, a_start + len(m.text), p, in_results)
            if role_of is not None:
                if role_of.role == RESULT:
                    results.append(money_status(ctx, sent, m, a_start, role_of, chain))
                continue
            lead = ctx.text[sent.start:a_start]
            if R["per_unit"].search(lead[-60:]):
                continue  # "mỗi hộ đóng góp 1.200.000 đồng": a rate per household, not a share of the total
            if not lead.strip() and pi > 0 and ctx.paras[pi - 1].text.rstrip().endswith(":"):
                lead = ctx.paras[pi - 1].text + " " + lead
            role, parent, why = _role_of(ctx, lead, out, stack, totals, top, sent, a_start)
            if role == "total":
                totals[top] = len(out)  # the nearest total above breaks down
            seg_end = moneys[moneys.index(m) + 1].start + p.start if m is not moneys[-1] else sent.end
            purpose = last_head or None
            out.append(
                Funding(
                    quote=sent.text,
                    start=sent.start,
                    end=sent.end,
                    section=chain[-1].label if chain else None,
                    confidence=0.85 if role != "item" or R["item"].search(lead) else 0.6,
                    topic=topic_of(purpose or "", [s.title for s in chain][::-1]),
                    amount_vnd=m.amount_vnd,
                    role=role,
                    role_reason=why,
                    source=_source(lead[-120:] + " " + ctx.text[a_start:seg_end][:120]) if role != "total" else None,
                    parent=parent,
                    purpose=purpose,
                    amount_text=m.text,
                    value_start=a_start,
                    value_end=p.start + m.end,
                    split="year" if role == "component" and R["year_share"].search(lead[-60:]) else None,
                )
            )
            if first_in_para is None:
                first_in_para = len(out) - 1
        # a paragraph ending "… trong đó:" / "gồm:" opens a breakdown
        if R["opens"].search(p.text):
            stack.append((rank, _breakdown_parent(out, p.text, first_in_para)))
        if p.kind in ("bullet", "arabic", "letter"):
            last_head = re.split(r":", p.text[p.body_start - p.start:], maxsplit=1)[0][:120]
    return out, results


def _close_parents(stack: list, kind: str, rank: float, has_money: bool) -> None:
    """Close the breakdowns a paragraph ends: a roman heading ends them all, as does a numbered
    heading with no amount when none is open; otherwise those of its rank or deeper (a plain
    text paragraph without an amount closes none)."""
    if kind == "roman" or (not has_money and kind in ("arabic", "letter") and not stack):
        stack.clear()
    elif has_money or kind != "text":
        while stack and stack[-1][0] >= rank:
            stack.pop()


def _breakdown_parent(out: list[Funding], text: str, first_in_para: int | None) -> int | None:
    """The amount the items under a paragraph ending "… trong đó:" break down: its last amount
    that is not a year's share ("… là 48.600 triệu đồng (năm 2024: …; năm 2025: …), trong đó:"),
    or its first when the opening words stand earlier in it."""
    if not _rules()["opens"].search(text[-30:]):
        return first_in_para
    return next((k for k in range(len(out) - 1, -1, -1) if out[k].split is None), None)


def _role_of(ctx: Context, lead: str, out: list[Funding], stack, totals: dict, top: str, sent, a_start: int):
    """(role, parent index, reason) of one amount, from the words before it and the open breakdowns."""
    R = _rules()
    earlier = [i for i in range(len(out)) if out[i].start == sent.start]
    host = _parenthesis_host(ctx, out, earlier, sent, a_start)
    if host is not None:  # "… 185.334 triệu đồng (ngân sách Trung ương 180.000 triệu đồng, …)"
        return "component", host, "phần trong ngoặc của khoản ngay trước (…)"
    tm = R["total"].search(lead)
    if tm and not earlier and not _source(lead[tm.end():]):
        return "total", None, f"tổng: “{tm.group(0)}”"
    if earlier and R["between"].search(ctx.text[out[earlier[0]].value_end:a_start]):
        return "component", earlier[0], "phần của số trước trong câu (trong đó, gồm)"
    if stack:
        return "component", stack[-1][1], "mục con của khoản mở danh sách (trong đó:)"
    if R["item"].search(lead):
        return "item", None, "kinh phí một việc (kinh phí, dự toán …)"
    if top in totals:
        return "component", totals[top], "phần của tổng đã nêu trong mục"
    if _source(lead) or tm:
        return "component", None, "khoản theo nguồn, không nêu tổng"  # a lone source-specific amount
    return "item", None, "khoản lẻ (mặc định)"


def _parenthesis_host(ctx: Context, out: list[Funding], earlier: list[int], sent, a_start: int) -> int | None:
    """The amount a parenthesis holding ``a_start`` breaks down: the last amount of the same
    sentence before the "(" that is still open at ``a_start``, when it stands right before it."""
    i = open_paren_before(ctx.text, a_start, sent.start)
    if i is None:
        return None
    if ";" in ctx.text[i:a_start] and ")" not in ctx.text[a_start:sent.end].split("(", 1)[0]:
        return None  # a parenthesis never closed: the list after ";" is no longer inside it
    before = [j for j in earlier if out[j].value_end <= i]
    if not before:
        return None
    j = max(before, key=lambda k: out[k].value_end)
    return j if i - out[j].value_end <= 60 and ";" not in ctx.text[out[j].value_end:i] else None


def money_role(ctx: Context, sent, a_start: int, a_end: int, para, in_results: bool = False) -> Role | None:
    """None for money the programme needs, is allocated or plans (funding); else a result or no-record role.

    In a results section money is a result unless a commitment cue (``kế hoạch vốn``,
    ``giao``, ``dự kiến``) is nearer to it than any result cue."""
    can = ctx.can[sent.start:sent.end]
    pos = a_start - sent.start
    if is_anecdote(ctx.can[para.start:a_start]):
        return Role(NONE, "chuyện một hộ, một người / anecdote")
    if not_a_record(can, pos, a_end - sent.start, None, None, None):
        return Role(NONE, "không phải bản ghi / not a record")
    role = role_in_sentence(cue_hits(can, ctx.doc_year, ctx.planning_doc), pos, can=can)
    if role is None:  # "… huy động được 24.470 tỷ đồng. Ngân sách nhà nước hỗ trợ 11.287 tỷ đồng …"
        prev = ctx.sent_index.get(sent.start, 0) - 1
        carried = ctx.roles.get(ctx.sents[prev].start) if prev >= 0 and ctx.sents[prev].para == sent.para else None
        if carried is not None and carried.role == RESULT:
            role = Role(RESULT, f"{carried.reason} (câu trước / previous sentence)")
    if role is not None:
        if role.role == RESULT:
            ctx.roles.setdefault(sent.start, role)
            return role
        return None
    if in_results:
        return Role(RESULT, "mục kết quả / results section")
    return None


def money_status(ctx: Context, sent, m, a_start: int, role: Role, chain) -> Status:
    """A money figure reported as already achieved, with its unit as written (``trên 500 tỷ đồng``)."""
    num = _NUM_UNIT_RE.match(m.text)
    value = parse_number(num.group("n")) if num else m.amount_vnd
    unit = re.sub(r"\s+", " ", num.group("u")) if num else "đồng"
    v = Value(a_start - sent.start, a_start - sent.start + len(m.text), 0, 0, value, None, unit, "money", None, None, m.text)
    return status_record(ctx, sent, v, role, section=chain[-1].label if chain else None,
                         topic=topic_of(sent.text, [s.title for s in chain][::-1]), subject=None, comparator=None)
