"""Targets: a figure with a unit, read with its comparator, year, subject and topic."""

from __future__ import annotations

import functools

from .. import rx as re

from dataclasses import replace

from ..model import Status, Target
from ..recognise import CITATION_RE, NUM, Value, find_money, find_values, find_years, parse_number, may_hold_value, per_head_unit
from .context import Context, clause_start, context_year, target_rules, topic_of, trong_do_start, year_before
from .criteria import criterion_in, set_in
from .roles import (COMMITMENT, DEFAULT_COMMITMENT, PAREN_RE, RESULT, Role, cue_hits, is_anecdote, list_value_re,
                    not_a_record, role_in_sentence)
from .funding import is_outcome_money
from .status import status_record
from .tail import tail_rx

_MONEY_PARTS = re.compile(r"(?P<n>" + NUM + r")\s*(?P<u>.+)$")

# a task sentence in a plan's own sections ("Nạo vét 3,5 km kênh", "Trồng mới 2 km") commits too
_TASK_VERB = re.compile(r"^\s*(?:[-+•*]\s*)?(?:\w+\s+){0,2}?(?:nạo\s+vét|trồng|mở\s+rộng|nâng\s+cấp|xây\s+dựng|làm|cứng\s+hóa|bê\s+tông\s+hóa|kiên\s+cố\s+hóa|sửa\s+chữa|cải\s+tạo|lắp\s+đặt|hỗ\s+trợ|đào\s+tạo|thành\s+lập|phát\s+triển|chuyển\s+đổi)\b", re.I)
_CRIT_NUMBER_BEFORE = tail_rx(re.compile(r"(?:tiêu\s+chí|chỉ\s+tiêu)(?:\s+số)?\s*$|\bsố\s*$|(?:Điều|khoản|mục)\s*$", re.I))
_NOT_AFTER = re.compile(r"^\s*chưa\b", re.I)
_DONE_RIGHT_AFTER = re.compile(r"^\s*đã\s+(?:đạt|được)", re.I)
_DONE_AFTER = re.compile(r"^[^,;.]{0,25}?\bđã\s+(?:đạt|được|hoàn\s+thành|về\s+đích)", re.I)
_ITEM_SCOPE_RE = re.compile(
    r"\s*(?:[-+•]\s*)?(?P<n>(?:[Cc]ác\s+)?(?:[Hh]uyện|[Tt]hị\s+xã|[Tt]hành\s+phố|[Xx]ã|[Tt]hị\s+trấn)\b[^:;.\n]{0,60}?\p{Lu}[^:;.\n]{0,80}?)\s*:")
_SCOPE_RE = re.compile(r"(?:xã|huyện|thôn|bản|làng|xóm)\s+(?P<n>[A-ZĐÀ-Ỹ][\w]*(?:\s+[A-ZĐÀ-Ỹ][\w]*){0,3})\s*:\s*$")
_SCOPE_AT_END = tail_rx(_SCOPE_RE)  # asked first, from the end: most figures have no scope before them
_PAREN_NAMES_RE = re.compile(r"^\s*\((?:xã\s+)?(?P<n>[A-ZĐÀ-Ỹ][^()]{1,80})\)")
_SUBJ_AFTER_RE = re.compile(r"\s*(?:\([^)]*\)\s*)?(?P<s>(?:số\s+|các\s+)?[^,;().:]{3,90})")
_SUBJ_TRIM = re.compile(r"\s+(?:theo\s+quy\s+định|trở\s+lên|trở\s+xuống)\b.*$", re.I)
_LEAD_TRIM = re.compile(r"^(?:[-+•*]\s*)?(?:(?:Phấn\s+đấu\s+)?(?:đến|tới|trong|vào)\s+(?:(?:cuối|hết)\s+)?(?:năm\s+)?\d{4},?\s*)?(?:phấn\s+đấu\s+)?", re.I)
_VERB_TAIL = re.compile(r"\s*(?:ước\s+)?(?:đạt|giảm|tăng|là|có|chiếm|duy\s+trì|còn)(?:\s+(?:bình\s+quân|từ|ít\s+nhất|khoảng|tối\s+thiểu|trên|dưới))*\s*$", re.I)
_VERB_AT_END = tail_rx(_VERB_TAIL)  # is there a verb to cut (most subjects have none)?


@functools.lru_cache(maxsize=512)
def _rx(pattern: str) -> re.Pattern:
    """A case-insensitive pattern, compiled once (the comparator rules are tried on every figure)."""
    return re.compile(pattern, re.I)


@functools.lru_cache(maxsize=1)
def _comparator_words() -> tuple[dict, list]:
    """The comparator_before patterns (rules/targets.yml): by comparator, and the increase ones in order."""
    r = target_rules()
    groups = {g["comparator"]: g["pattern"] for g in r["comparator_before"] if g["comparator"] not in ("increase",)}
    return groups, [g["pattern"] for g in r["comparator_before"] if g["comparator"] == "increase"]


def comparator_for(ctx: Context, s_text: str, can: str, v: Value, clause_from: int, prev: tuple | None,
                   para: int | None = None) -> str:
    """Comparator of a figure, from the words of its clause (rules/targets.yml)."""
    r = target_rules()
    before = can[clause_from:v.start]
    after = can[v.end:v.end + 20]
    near = before[-45:]
    if r["floor_pattern"].search(before[-40:]):
        return ">="
    groups, inc = _comparator_words()
    if ":" in before:  # "giảm bình quân/năm: trên 10%": the word next to the value decides
        tail = before.rsplit(":", 1)[1]
        for comp in (">=", "<="):
            if _rx(r"\s*(?:" + groups[comp] + r")").fullmatch(tail):
                return comp
        for g in r["comparator_after"]:
            if _rx(g["pattern"]).search(after):
                return g["comparator"]
    if v.unit == "lần":
        return ">=" if _rx(r"(?:ít\s+nhất|tối\s+thiểu|trên)\s*$").search(before) or re.match(r"^\s*trở\s+lên", after) else "="
    if _rx(inc[0]).search(near):  # có thêm / tăng thêm
        return "increase"
    mm = _rx(groups["maintain"]).search(before)
    if mm and not ("," in before[mm.end():] and (_rx(groups[">="]).search(near[-15:]) or _rx(groups["<="]).search(near[-15:]))):
        return "maintain"  # unless a quantifier next to the figure, in a later part of the clause, says otherwise
    if _rx(r"(?:xuống|còn)\s+(?:dưới|không\s+quá)\s*$|xuống\s+(?:còn|mức|tới)\s*$|\bgiảm\s+còn\s*$|\b(?:giảm|hạ)\b[^,;]{0,60}?\bxuống\s*$").search(near):
        return "<="  # "giảm xuống còn 2,5%", "hạ … xuống dưới 3%": a level to reach, not a rate of decrease
    if not v.unit_comparator:
        for g in r["comparator_after"]:  # "giảm 3% trở lên": the words on the figure decide
            if _rx(g["pattern"]).search(after):
                return g["comparator"]
    if _rx(groups["decrease"]).search(near) or _rx(r"\bgiảm\b").search(PAREN_RE.sub("", before).rsplit(",", 1)[-1]):
        return "decrease"  # not a "giảm" of an earlier part of the list ("… giảm 2,1% (…), … cho trên 250 lao động")
    if v.unit_comparator:
        return v.unit_comparator
    if len(inc) > 1 and _rx(inc[1]).search(near):
        return "increase"
    if v.value_max is not None:
        return "range"
    for g in r["comparator_after"]:
        if _rx(g["pattern"]).search(after):
            return g["comparator"]
    if _rx(groups[">="]).search(near):
        return ">="
    if _rx(groups["<="]).search(near):
        return "<="
    # "(5/5 xã)" right after a figure restates it: a governing verb (duy trì) carries over,
    # a quantifier (ít nhất) of the share does not
    in_paren = re.fullmatch(r"\s*", can[clause_from:v.start]) and can[clause_from - 1:clause_from] == "("
    if in_paren and prev is not None and (prev[1] in ("maintain", "increase", "decrease") or v.fraction):
        return prev[1]  # "ít nhất 80% số xã (81/101 xã)": the fraction is the same figure
    if r["maintain_after"].search(can[v.end:v.end + 80].split(")", 1)[-1] if in_paren else can[v.end:v.end + 80]):
        return "maintain"
    if in_paren and prev is not None and r["maintain_after"].search(can[prev[0].end:prev[0].end + 80]):
        return "maintain"
    # "có ít nhất 40% số xã … và 20% số huyện": the quantifier governs both
    if prev is not None:
        pv, pcomp = prev
        between = can[pv.end:v.start]
        # "có thêm 10 xã và 02 huyện đạt chuẩn, 22 xã …": a shared "có thêm" until a new verb
        if pcomp == "increase" and not _rx(r"trong\s+đó|;").search(between) and re.search(r"(?:,|\bvà)\s*$", between):
            return "increase"
        if pcomp in (">=", "<=") and pv.unit == v.unit and re.search(r"(?:,|\bvà)\s", between) and not re.search(
            r"trong\s+đó|;|\b(?:đạt|có)\s+\S+\s*$", between, re.I
        ) and _rx(r"(?:,|\bvà)\s*$").search(between.rstrip()[-6:] + " "):
            return pcomp
    if para is not None and ":" in before and _allocates(ctx, para, inc[0]):
        return "increase"  # "Xây dựng thêm 12 thôn …, cụ thể: + Xã A: 02 thôn": a share of the increase
    return "="


_DIGIT_RE = re.compile(r"(?<![\d.,])\d")


def _allocates(ctx: Context, para: int, increase: str) -> bool:
    """Is paragraph ``para`` an item of a list whose lead ("…, cụ thể:", "phân bổ như sau:")
    commits to an increase ("Xây dựng thêm 12 thôn")?"""
    for k in range(para - 1, max(-1, para - 13), -1):
        p = ctx.paras[k]
        if p.text.rstrip().endswith(":"):
            lead = ctx.can[p.start:p.end]
            return any(_rx(increase).search(lead, 0, m.start()) for m in _DIGIT_RE.finditer(lead))
        if p.kind not in ("bullet", "letter", "arabic"):
            return False
    return False


@functools.lru_cache(maxsize=256)
def _item_scope(text: str):
    """The list item's place ("- Huyện Phù Mỹ: …") a sentence opens with (asked for each of its figures)."""
    return _ITEM_SCOPE_RE.match(text)


def _subject(s_text: str, v: Value, clause_from: int) -> str | None:
    m = _SUBJ_AFTER_RE.match(s_text, v.end)
    after = m.group("s").strip() if m else ""
    after = _SUBJ_TRIM.sub("", after)
    if after and (after.startswith(("số ", "các ", "xã", "huyện", "hộ", "người", "làng", "thôn", "xóm", "bản", "trường", "sản phẩm", "cán bộ", "tiêu chí")) or v.unit != "%"):
        unit_word = v.unit if v.unit not in ("%", "%/năm", "lần") and "/" not in v.unit else ""
        subj = f"{unit_word} {after}".strip() if unit_word and not after.startswith(unit_word) else after
        return subj[:120]
    before = s_text[clause_from:v.start]
    before = _LEAD_TRIM.sub("", before.strip())
    if _VERB_AT_END.search(before):
        before = _VERB_TAIL.sub("", before)
    before = before.strip(" ,:-")
    if before:
        return before[-120:]
    return after or None


def _role(ctx: Context, sent, can: str, v: Value, cstart: int, hits, carried, in_results: bool, committed: bool,
          in_targets: bool = False, figures: tuple = (), paired: bool = False) -> Role | None:
    """The role of one figure (rules/roles.yml); None when it is no record.  ``paired``: the
    figure is the plan's, written after a result ("79,3%/ chỉ tiêu 80%")."""
    r = target_rules()
    if paired:
        return Role(COMMITMENT, "chỉ tiêu đặt cạnh kết quả / the plan's figure beside a result")
    if r["quoted_target_after"].match(can, v.end):
        return Role(RESULT, "kết quả đặt cạnh chỉ tiêu / a result beside the plan's figure")
    role = role_in_sentence(hits, v.start, strong_only=in_results, can=can, figures=figures)
    if role is None and r["status_words"].search(can[cstart:v.start]):
        role = Role(RESULT, "từ chỉ hiện trạng / status words")
    if role is None and not committed and _DONE_AFTER.match(can[v.end:]):
        role = Role(RESULT, "đã đạt/được sau số / 'đã' after the figure")
    if role is None and carried() is not None:
        role = Role(carried().role, f"{carried().reason} (câu trước / previous sentence)")
    if role is None and in_results:
        role = Role(RESULT, "mục kết quả / results section")
    if role is None and list_value_re().search(can[cstart:v.start]):
        role = Role(COMMITMENT, "danh sách chỉ tiêu (nhãn: giá trị) / indicator list")
    if role is None and committed:
        role = Role(COMMITMENT, DEFAULT_COMMITMENT)
    if role is None and in_targets:
        role = Role(COMMITMENT, "mục tiêu / targets section")
    return role


def _outcome_money(text: str, can: str) -> list[Value]:
    """Money that measures an outcome (``thu nhập bình quân đầu người đạt 38,6 triệu đồng``),
    as a figure with its money unit; rules/units.yml ``per_forms`` adds the denominator."""
    out = []
    if "đồng" not in text:
        return out
    for m in find_money(text):
        if is_outcome_money(can[: m.start]):
            num = _MONEY_PARTS.match(m.text)
            if num:
                out.append(Value(m.start, m.end, m.start, m.start + len(num.group("n")), parse_number(num.group("n")),
                                 None, re.sub(r"\s+", " ", num.group("u")), "per_unit", None, None, m.text))
    return out


@functools.lru_cache(maxsize=1024)
def _section_kind(titles: tuple) -> tuple[bool, bool, bool]:
    """(inside a results section, the innermost section is about money, inside a targets
    section) for a chain of titles."""
    r = target_rules()
    return (any(r["status_sections"].search(t) for t in titles),
            any(r["funding_sections"].search(t) for t in titles[-1:]),
            any(r["target_sections"].search(t) for t in titles))


def _carried(ctx: Context, sent) -> Role | None:
    """A result read in the previous sentence of the same paragraph carries over; so does
    the role of a list's lead-in ("- Đến nay, … Cụ thể:" + "+ Có 50/56 xã …")."""
    i = ctx.sent_index[sent.start]
    if i > 0:
        prev = ctx.sents[i - 1]
        if prev.para == sent.para:
            role = ctx.roles.get(prev.start)
            if role is None and not find_values(ctx.can[prev.start:prev.end]):
                role = _only_role(ctx.can[prev.start:prev.end], ctx)  # "Đến nay, … có xã A đạt chuẩn …"
            if role is not None and role.role == RESULT:
                return role
    return _lead_in_role(ctx, sent.para)


_MORE_BEFORE = re.compile(r"\bthêm\s*$")  # "đạt chuẩn thêm 2/19 tiêu chí chưa đạt": the ones to add


def _read_as_result(hits, pos: int, carried, can: str, figures: tuple) -> bool:
    """A result cue before the figure (or carried from the sentence or list before) decides it."""
    if carried() is not None and carried().role == RESULT:
        return True
    role = role_in_sentence(hits, pos, can=can, figures=figures)
    return role is not None and role.role == RESULT


def _lead_in_role(ctx: Context, pi: int) -> Role | None:
    """The role the lead-in of a bulleted list gives its items: the paragraph before the
    item and its siblings ends with ':' and its nearest cue decides."""
    para = ctx.paras[pi]
    if para.kind != "bullet":
        return None
    j = pi - 1
    while j >= 0 and pi - j <= 40 and ctx.paras[j].kind == "bullet" and ctx.paras[j].marker == para.marker:
        j -= 1
    if j < 0 or not ctx.paras[j].text.rstrip().endswith(":"):
        return None
    lead = ctx.paras[j]
    return _only_role(ctx.can[lead.start:lead.end], ctx, "đoạn dẫn / list lead-in")


def _only_role(can: str, ctx: Context, where: str = "câu trước / previous sentence") -> Role | None:
    """The role the last cue of a text without figures gives what follows it."""
    hits = cue_hits(can, ctx.doc_year, ctx.planning_doc)
    if not hits:
        return None
    h = max(hits, key=lambda h: h.end)
    return Role(h.role, f"{h.name} ({where})")


def targets_in(ctx: Context, sent) -> list[Target | Status]:
    """The figures of one sentence: targets (commitments) and status records (results)."""
    r = target_rules()
    text = sent.text
    if sent.start < ctx.body_start or sent.start >= ctx.body_end or not may_hold_value(text):
        return []  # every figure is written with a digit or as a number word ("ít nhất một huyện")
    can = ctx.can[sent.start:sent.end]
    # read on the canonical text ("trƣờng", a PDF font's glyph, is "trường"); quoted from the source
    values = [v if v.text == text[v.start:v.end] else replace(v, text=text[v.start:v.end]) for v in find_values(can)]
    values += _outcome_money(text, can)
    if not values:
        return []
    chain = ctx.chain(sent.start)
    titles = [s.title for s in chain]
    in_results, funding_section, in_targets = _section_kind(tuple(titles))
    if not in_results and funding_section:
        return []
    committed = bool(r["commitment_words"].search(can) or _TASK_VERB.search(can))
    hits = cue_hits(can, ctx.doc_year, ctx.planning_doc)
    carried = functools.lru_cache(maxsize=1)(lambda: _carried(ctx, sent))  # asked only when the sentence has no cue
    para = ctx.paras[sent.para]
    cites = [(m.start(), m.end()) for m in CITATION_RE.finditer(text)]
    figures = tuple((x.start, x.end) for x in values)
    out: list[Target | Status] = []
    prev = None
    prev_end = None
    for v in values:
        if ctx.in_quotes(sent.start + v.start, sent.start + v.end):
            continue
        if any(a <= sent.start + v.start < b for a, b in ctx.standard_cells):
            continue  # a national threshold quoted in a table ("Chỉ tiêu theo quy định: ≥ 90%")
        if any(a <= v.start < b for a, b in cites):
            continue
        pre = can[max(0, v.start - 240): v.start]  # the patterns look at most ~150 characters back
        paired = bool(r["quoted_target_before"].search(pre))  # "79,3%/ chỉ tiêu 80%": the 80% is the plan's
        if (_CRIT_NUMBER_BEFORE.search(pre) and not paired) or r["not_target_before"].search(pre):
            continue
        if (_NOT_AFTER.match(can[v.end:]) and not in_results and not _MORE_BEFORE.search(can, max(0, v.start - 12), v.start)) or (
                committed and not in_results and _DONE_RIGHT_AFTER.match(can[v.end:])
                and not r["maintain_before"].search(can[:v.start])
                and not _read_as_result(hits, v.start, carried, can, figures)):
            continue  # "5 xã chưa đạt", "100% số xã đã đạt chuẩn" in a plan: a description ("giữ vững 17 … đã đạt"
            # is a target; "Đến nay có 12 xã đã đạt chuẩn" a result)
        if not_a_record(can, v.start, v.end, prev_end, v.unit, v.fraction):
            prev_end = v.end
            continue
        prev_end = v.end
        if is_anecdote(ctx.can[para.start:sent.start + v.start]):
            continue
        cstart = clause_start(text, v.start)
        role = _role(ctx, sent, can, v, cstart, hits, carried, in_results, committed, in_targets and ctx.planning_doc,
                     figures, paired=paired)
        if role is None:
            continue
        if role.reason and role.role == RESULT and "previous sentence" not in role.reason and role.reason != "mục kết quả / results section":
            ctx.roles[sent.start] = role
        elif role.role == RESULT and sent.start not in ctx.roles:
            ctx.roles[sent.start] = role
        cfrom = trong_do_start(can, cstart, v.start)
        comp = comparator_for(ctx, text, can, v, cfrom, prev, sent.para)
        prev = (v, comp)
        out.append(_record(ctx, sent, v, role, comp, cstart, chain, titles))
    return out


def _record(ctx: Context, sent, v: Value, role: Role, comp: str, cstart: int, chain, titles) -> Target | Status:
    text = sent.text
    scope = None
    sm = _SCOPE_RE.search(text[: v.start]) if _SCOPE_AT_END.search(text[: v.start]) else None
    im = _item_scope(text) if not sm else None
    if sm:
        scope = sm.group("n")
    elif im and im.end() <= v.start:
        scope = im.group("n")  # "- Huyện Phù Mỹ: …; 100% số xã …": the list item's place
    else:
        pm = _PAREN_NAMES_RE.match(text[v.end:])
        if pm and v.unit in ("xã", "huyện", "thôn", "làng", "xóm", "bản", "ấp", "buôn") and v.value <= 3:
            scope = pm.group("n").strip()
    subject = _subject(text, v, cstart)
    clause_end = _clause_end(text, v.end)
    clause = text[cstart:clause_end]
    crit = criterion_in(text[v.end:clause_end])
    tset = set_in(text[v.end:clause_end]) if crit or re.search(r"nâng\s+cao|kiểu\s+mẫu", text[v.end:clause_end]) else None
    unit = per_head_unit(v.unit, ctx.can[sent.start:sent.start + v.start])
    if unit != v.unit:
        v = replace(v, unit=unit)
    topic = topic_of(clause[max(0, v.start - cstart - 80):], titles[::-1])
    section = chain[-1].label if chain else None
    if role.role == RESULT:
        return status_record(ctx, sent, v, role, section=section, topic=topic, subject=subject, comparator=comp,
                             criterion=crit, criteria_set=tset, scope=scope)
    year, year_from = _target_year(ctx, sent, v, text)
    if year and year_from in ("sentence", "previous_sentence"):
        ctx.sent_years[sent.start] = year
    baseline = None
    bm = re.search(r"so\s+với\s+(?:năm\s+)?(\d{4})", text[v.end:clause_end])
    if bm:
        baseline = bm.group(0)
    return Target(
        quote=text,
        start=sent.start,
        end=sent.end,
        section=section,
        confidence=0.85 if year_from in ("sentence", "section_title", "previous_sentence", "intro") else 0.7,
        topic=topic,
        value=v.value,
        value_max=v.value_max,
        unit=v.unit,
        comparator=comp,
        year=year,
        subject=subject,
        criterion=crit,
        criteria_set=tset,
        scope=scope,
        fraction=v.fraction,
        baseline=baseline,
        value_text=v.text,
        value_start=sent.start + v.start,
        value_end=sent.start + v.end,
        role_reason=role.reason,
    )


def _target_year(ctx: Context, sent, v: Value, text: str) -> tuple[int | None, str | None]:
    year = year_before(ctx, sent, v.start)
    if year:
        return year, "sentence"
    # "… đạt tiêu chí số 19 đến năm 2025": a year later in the same clause
    after_years = find_years(text[v.end:_clause_end(text, v.end)])
    if after_years:
        return after_years[0].year, "sentence"
    if ctx.doc_year and _THIS_YEAR.search(text, 0, v.start):
        return ctx.doc_year, "sentence"  # "Dự kiến hết năm nay, có thêm …": the year the text was written
    periods = [m for m in _PERIOD_IN_SENTENCE.finditer(text, 0, v.start) if not _BASE_BEFORE.search(text, 0, m.start())
               and int(m.group("end")) >= _reference_year(ctx)]
    if periods:  # "Chương trình … giai đoạn 2021- 2025 đặt mục tiêu, phấn đấu … 80%": by the period's end
        return int(periods[-1].group("end")), "sentence"  # (not a Party term, nhiệm kỳ: a horizon, r09)
    return context_year(ctx, sent)


def _reference_year(ctx: Context) -> int:
    """The document's year, else the first year of the period it covers (a plan for 2025 - 2026)."""
    if ctx.doc_year:
        return ctx.doc_year
    m = re.match(r"\s*((?:19|20)\d\d)", ctx.meta.period or "")
    return int(m.group(1)) if m else 0


_THIS_YEAR = re.compile(r"\bnăm\s+nay\b", re.I)
_PERIOD_IN_SENTENCE = re.compile(r"\b(?:giai\s+đoạn|thời\s+kỳ)\s+(?:19|20)\d\d\s*[-–]\s*(?P<end>(?:19|20)\d\d)\b", re.I)
_BASE_BEFORE = re.compile(r"\bso\s+với\s*$", re.I)


_CLAUSE_MARKS = re.compile(r"[();]")


def _clause_end(text: str, pos: int) -> int:
    depth = 0
    for m in _CLAUSE_MARKS.finditer(text, pos):
        c = m.group()
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                return m.start()
            depth -= 1
        elif depth == 0:  # ";"
            return m.start()
    return len(text)
