"""Datasette metadata for a kehoach database: titles, descriptions (Vietnamese /
English), column notes, facets and canned queries.

    from extractor.serve.metadata import build_metadata
    metadata = build_metadata("kehoach")      # the database's name in Datasette (file stem)

Canned queries (``/<db>/<name>``): ``plans``, ``plan_targets``, ``plan_beside_parent``,
``open_flags_by_district``, ``flags_review_status``, ``search``.  ``search`` uses the
SQL functions ``kehoach_fts`` / ``kehoach_match_class`` that the kehoach plugin
registers on every connection (``extractor.search.register_functions``).
"""

from __future__ import annotations


def _vi_en(vi: str, en: str) -> str:
    return f"{vi} / {en}"


# review status of a flag: the last accept / dismiss wins; only comments -> 'comment'
REVIEW_STATUS_SQL = (
    "COALESCE((SELECT rv.decision FROM reviews rv WHERE rv.flag_id = f.id "
    "AND rv.decision IN ('accept', 'dismiss') ORDER BY rv.id DESC LIMIT 1), "
    "(SELECT 'comment' FROM reviews rv WHERE rv.flag_id = f.id LIMIT 1), 'unreviewed')"
)

RECORD_COLUMNS = {
    "id": _vi_en("Mã bản ghi", "Record id"),
    "document_id": _vi_en("Mã văn bản chứa bản ghi", "Id of the document holding the record"),
    "document_number": _vi_en("Số hiệu văn bản", "Document number"),
    "superseded": _vi_en("1 = văn bản đã bị thay thế", "1 = the document was superseded"),
    "type": _vi_en("Loại: chỉ tiêu (target), kết quả đã đạt (status), thời hạn, phân công, kinh phí",
                   "Type: target, status (a result achieved), deadline, assignment, funding"),
    "quote": _vi_en("Nguyên văn câu trong văn bản", "The exact words in the document"),
    "start": _vi_en("Vị trí bắt đầu (ký tự) trong documents.text", "Start offset (characters) in documents.text"),
    "end": _vi_en("Vị trí kết thúc (ký tự) trong documents.text", "End offset (characters) in documents.text"),
    "section": _vi_en("Mục của văn bản", "Section of the document"),
    "confidence": _vi_en("Độ tin cậy khi trích xuất (0-1)", "Extraction confidence (0-1)"),
    "topic": _vi_en("Lĩnh vực (môi trường, y tế, giao thông ...)", "Topic (environment, health, transport ...)"),
    "value": _vi_en("Giá trị chỉ tiêu", "Target value"),
    "value_max": _vi_en("Giá trị trên (khoảng)", "Upper value of a range"),
    "unit": _vi_en("Đơn vị (%, xã, triệu đồng/người/năm ...)", "Unit (%, communes, million VND/person/year ...)"),
    "comparator": _vi_en("So sánh: ít nhất, trên, dưới, đạt ...", "Comparator: at least, above, below, equal ..."),
    "year": _vi_en("Năm phải đạt", "Year the target is due"),
    "subject": _vi_en("Đối tượng của chỉ tiêu", "What the target counts"),
    "criterion": _vi_en("Tiêu chí NTM (số hiệu trong Bộ tiêu chí)", "NTM criterion (number in the criteria set)"),
    "criteria_set": _vi_en("Bộ tiêu chí", "Criteria set"),
    "scope": _vi_en("Phạm vi áp dụng", "Scope"),
    "fraction": _vi_en("Phân số (ví dụ 81/101 xã), JSON", "Fraction (e.g. 81/101 communes), JSON"),
    "baseline": _vi_en("Mốc so sánh", "Baseline"),
    "date": _vi_en("Thời hạn (ngày, ISO)", "Deadline (ISO date)"),
    "task": _vi_en("Nhiệm vụ", "Task"),
    "agency": _vi_en("Cơ quan chủ trì", "Agency in charge"),
    "criteria": _vi_en("Các tiêu chí được giao, JSON", "Criteria assigned, JSON"),
    "also_sets": _vi_en("Các bộ tiêu chí khác, JSON", "Other criteria sets, JSON"),
    "amount_vnd": _vi_en("Số tiền (đồng)", "Amount (VND)"),
    "role": _vi_en("Vai trò: tổng, thành phần", "Role: total or part"),
    "source_of_funds": _vi_en("Nguồn vốn", "Source of funds"),
    "parent_record_id": _vi_en("Bản ghi tổng chứa khoản này", "The total this amount is part of"),
    "purpose": _vi_en("Mục đích sử dụng", "Purpose"),
    "as_of": _vi_en("Thời điểm đã đạt kết quả", "When the result was achieved"),
    "indicator": _vi_en("Mã chỉ số (rules/indicators.yml)", "Indicator key (rules/indicators.yml)"),
    "indicator_name": _vi_en("Tên chỉ số", "Indicator name"),
    "indicator_match": _vi_en("Cách nhận ra chỉ số", "How the indicator was recognised"),
    "role_reason": _vi_en("Vì sao là chỉ tiêu / kết quả / khoản tiền này", "Why this role (target, result, amount)"),
    "source": _vi_en("Tệp nguồn (tên tệp)", "Source file (name)"),
    "issuer": _vi_en("Cơ quan ban hành văn bản", "Issuing body of the document"),
    "level": _vi_en("Cấp của văn bản: tinh, huyen, xa", "Level of the document: province, district, commune"),
    "province": _vi_en("Tỉnh", "Province"),
    "district": _vi_en("Huyện", "District"),
    "commune": _vi_en("Xã", "Commune"),
    "ocr": _vi_en("OCR = văn bản nhận dạng từ ảnh: kiểm tra con số với bản gốc",
                  "OCR = text read from page images: check figures against the original"),
    "quote_folded": _vi_en("Nguyên văn, bỏ dấu, chữ thường (để tìm kiếm)", "The quote folded: no diacritics, lower case (for search)"),
    "extra": _vi_en("Các trường khác, JSON", "Other fields, JSON"),
}


def _cols(*names: str) -> dict:
    return {n: RECORD_COLUMNS[n] for n in names if n in RECORD_COLUMNS}


VIEW_BASE = ("id", "document_id", "document_number", "superseded", "section", "quote", "start", "end",
             "confidence", "topic", "extra")
CONTEXT = ("source", "issuer", "level", "province", "district", "commune", "year", "indicator", "ocr")
# facets a researcher starts from, first: place, level, file, topic / indicator, year
PLACE_FACETS = ["province", "level", "source"]

TABLES = {
    "sources": {
        "title": _vi_en("Tệp nguồn", "Source files"),
        "description": _vi_en(
            "Mỗi tệp đã đọc (mỗi lần đọc một dòng): trạng thái, lỗi, phiên bản",
            "Every file read (one row per attempt): status, error, version",
        ),
        "facets": ["status", "format"],
        "columns": {
            "path": _vi_en("Đường dẫn tệp", "File path"),
            "name": _vi_en("Tên tệp", "File name"),
            "sha256": _vi_en("Mã băm nội dung", "Content hash"),
            "status": _vi_en("ok | skipped (bỏ qua) | failed (lỗi)", "ok | skipped | failed"),
            "error": _vi_en("Lý do lỗi hoặc bỏ qua", "Why it failed or was skipped"),
            "format": _vi_en("Định dạng (txt, docx, pdf, doc)", "Format (txt, docx, pdf, doc)"),
            "ocr": _vi_en("1 = đã nhận dạng ký tự (OCR)", "1 = text came from OCR"),
            "version": _vi_en("Phiên bản của cùng đường dẫn", "Version of the same path"),
            "superseded_by": _vi_en("Nguồn mới thay thế", "Newer source replacing this one"),
            "n_documents": _vi_en("Số văn bản trong tệp", "Documents in the file"),
        },
    },
    "documents": {
        "title": _vi_en("Văn bản (kế hoạch)", "Documents (plans)"),
        "description": _vi_en(
            "Các văn bản tìm thấy trong tệp: loại, số hiệu, cấp, địa bàn, toàn văn",
            "Documents found in the files: type, number, level, place, full text",
        ),
        "facets": ["province", "level", "district", "doc_type", "ocr", "superseded"],
        "size": 20,  # full texts: a page stays well under the server's response cap
        "label_column": "number",
        "columns": {
            "source_id": _vi_en("Tệp nguồn", "Source file"),
            "part": _vi_en("Phần thứ mấy trong tệp", "Part number within the file"),
            "doc_type": _vi_en("Loại văn bản (KẾ HOẠCH, QUYẾT ĐỊNH ...)", "Document type (plan, decision ...)"),
            "number": _vi_en("Số hiệu (ví dụ 65-KH/HU)", "Number (e.g. 65-KH/HU)"),
            "date": _vi_en("Ngày ban hành (ISO)", "Date issued (ISO)"),
            "issuer": _vi_en("Cơ quan ban hành", "Issuing body"),
            "level": _vi_en("Cấp: trung_uong, tinh, huyen, xa, thon", "Level: central, province, district, commune, village"),
            "province": _vi_en("Tỉnh", "Province"),
            "district": _vi_en("Huyện", "District"),
            "commune": _vi_en("Xã", "Commune"),
            "title": _vi_en("Trích yếu", "Title"),
            "period": _vi_en("Giai đoạn (ví dụ 2021-2025)", "Period (e.g. 2021-2025)"),
            "signer": _vi_en("Người ký", "Signer"),
            "text": _vi_en("Toàn văn (đã chuẩn hóa); start/end của bản ghi trỏ vào đây",
                           "Full text (normalised); records' start/end point here"),
            "provenance": _vi_en("Mỗi trường siêu dữ liệu đọc từ đâu, JSON", "Where each metadata field was read from, JSON"),
            "superseded": _vi_en("1 = đã bị thay thế bởi bản mới", "1 = replaced by a newer version"),
            "parent_id": _vi_en("Văn bản cấp trên mà văn bản này thực hiện", "The higher-level plan this document implements"),
            "parent_by": _vi_en("Căn cứ xác định văn bản cấp trên", "How the parent was found"),
        },
    },
    "sections": {
        "title": _vi_en("Mục của văn bản", "Document sections"),
        "description": _vi_en("Đề mục (I, II, 1, 2 ...) với vị trí trong văn bản",
                              "Headings (I, II, 1, 2 ...) with their offsets"),
        "facets": ["level"],
    },
    "citations": {
        "title": _vi_en("Văn bản được dẫn chiếu", "Citations"),
        "description": _vi_en("Các văn bản được nêu (căn cứ, thực hiện ...)", "Documents cited (basis, implements ...)"),
        "facets": ["relation", "doc_type"],
    },
    "records": {
        "title": _vi_en("Bản ghi trích xuất", "Extracted records"),
        "description": _vi_en(
            "Mọi bản ghi (chỉ tiêu, kết quả, thời hạn, phân công, kinh phí), mỗi bản ghi kèm nguyên văn và vị trí",
            "Every record (targets, results, deadlines, assignments, funding), each with its exact quote and offsets",
        ),
        "facets": ["type", "topic", "indicator", "year", "criterion"],
        "columns": RECORD_COLUMNS,
    },
    "targets": {
        "title": _vi_en("Chỉ tiêu", "Targets"),
        "description": _vi_en("Chỉ tiêu định lượng: giá trị, đơn vị, năm, tiêu chí",
                              "Quantified targets: value, unit, year, criterion"),
        "facets": PLACE_FACETS + ["topic", "indicator", "year", "criterion", "unit"],
        "columns": _cols(*VIEW_BASE, "value", "value_max", "unit", "comparator", "year", "indicator", "indicator_name",
                         "subject", "criterion", "criteria_set", "scope", "fraction", "baseline", "role_reason",
                         *CONTEXT),
    },
    "results": {
        "title": _vi_en("Kết quả đã đạt", "Results achieved"),
        "description": _vi_en("Con số đã đạt được (không phải chỉ tiêu): giá trị, đơn vị, thời điểm",
                              "Figures already achieved (not targets): value, unit, as of when"),
        "facets": PLACE_FACETS + ["topic", "indicator", "year", "unit"],
        "columns": _cols(*VIEW_BASE, "value", "value_max", "unit", "as_of", "indicator", "indicator_name",
                         "subject", "criterion", "criteria_set", "scope", "fraction", "role_reason", *CONTEXT),
    },
    "deadlines": {
        "title": _vi_en("Thời hạn", "Deadlines"),
        "description": _vi_en("Nhiệm vụ có thời hạn hoàn thành", "Tasks with a due date"),
        "facets": PLACE_FACETS + ["topic", "year", "agency"],
        "columns": _cols(*VIEW_BASE, "date", "task", "agency", *CONTEXT),
    },
    "assignments": {
        "title": _vi_en("Phân công", "Assignments"),
        "description": _vi_en("Cơ quan được giao phụ trách tiêu chí", "Agencies put in charge of criteria"),
        "facets": PLACE_FACETS + ["agency", "criteria_set"],
        "columns": _cols(*VIEW_BASE, "agency", "criteria", "criteria_set", "also_sets", *CONTEXT),
    },
    "funding": {
        "title": _vi_en("Kinh phí", "Funding"),
        "description": _vi_en("Số tiền, nguồn vốn, tổng và thành phần", "Amounts, sources of funds, totals and parts"),
        "facets": PLACE_FACETS + ["topic", "year", "role", "source_of_funds"],
        "columns": _cols(*VIEW_BASE, "amount_vnd", "role", "source_of_funds", "parent_record_id", "purpose",
                         "role_reason", *CONTEXT),
    },
    "flags": {
        "title": _vi_en("Cảnh báo đối chiếu", "Cross-check flags"),
        "description_html": (
            "Chỗ kế hoạch cấp dưới không khớp với kế hoạch cấp trên (hoặc với chính nó). "
            "Xem xét tại <a href=\"/-/review\">/-/review</a>. / Where a plan disagrees with the plan it "
            "implements (or with itself). Review them at <a href=\"/-/review\">/-/review</a>."
        ),
        "facets": ["rule", "severity", "status", "criterion", "set_name"],
        "columns": {
            "id": _vi_en("Mã cảnh báo (băm ổn định, giữ nguyên khi đọc lại)", "Flag id (a stable hash: survives re-ingest and re-check)"),
            "rule": _vi_en("Quy tắc phát hiện", "Rule that raised it"),
            "severity": _vi_en("Mức độ: error, warning, info", "Severity: error, warning, info"),
            "message": _vi_en("Nội dung cảnh báo (tiếng Việt)", "Message (Vietnamese)"),
            "message_en": _vi_en("Nội dung cảnh báo (tiếng Anh)", "Message (English)"),
            "child_document_id": _vi_en("Văn bản cấp dưới", "The lower-level plan"),
            "child_quote": _vi_en("Nguyên văn ở văn bản cấp dưới", "The words in the lower-level plan"),
            "child_start": _vi_en("Vị trí bắt đầu ở văn bản cấp dưới", "Start offset in the lower-level plan"),
            "child_end": _vi_en("Vị trí kết thúc ở văn bản cấp dưới", "End offset in the lower-level plan"),
            "parent_document_id": _vi_en("Văn bản cấp trên", "The higher-level plan"),
            "parent_quote": _vi_en("Nguyên văn ở văn bản cấp trên", "The words in the higher-level plan"),
            "parent_start": _vi_en("Vị trí bắt đầu ở văn bản cấp trên", "Start offset in the higher-level plan"),
            "parent_end": _vi_en("Vị trí kết thúc ở văn bản cấp trên", "End offset in the higher-level plan"),
            "criterion": _vi_en("Tiêu chí liên quan", "Criterion concerned"),
            "set_name": _vi_en("Bộ tiêu chí", "Criteria set"),
            "status": _vi_en("open (còn) | resolved (đã hết khi đối chiếu lại)", "open | resolved (gone on re-check)"),
            "first_seen": _vi_en("Lần đầu phát hiện", "First seen"),
            "last_seen": _vi_en("Lần gần nhất phát hiện", "Last seen"),
        },
    },
    "flags_reviewed": {
        "title": _vi_en("Cảnh báo và trạng thái xem xét", "Flags with their review status"),
        "description": _vi_en(
            "Mỗi cảnh báo với quyết định xem xét gần nhất (unreviewed nếu chưa xem)",
            "Each flag with its latest review decision (unreviewed when none)",
        ),
        "facets": ["review_status", "rule", "severity", "status", "set_name"],
    },
    "reviews": {
        "title": _vi_en("Kết quả xem xét", "Review decisions"),
        "description": _vi_en(
            "Quyết định của người xem xét: accept (xác nhận), dismiss (bác bỏ), comment (ghi chú)",
            "Reviewers' decisions: accept, dismiss, comment",
        ),
        "facets": ["decision", "who"],
        "sort_desc": "id",
        "columns": {
            "flag_id": _vi_en("Mã cảnh báo", "Flag id"),
            "decision": _vi_en("accept | dismiss | comment", "accept | dismiss | comment"),
            "comment": _vi_en("Ghi chú", "Comment"),
            "who": _vi_en("Người xem xét", "Reviewer"),
            "at": _vi_en("Thời điểm (UTC, ISO)", "When (UTC, ISO)"),
        },
    },
    "_migrations": {"hidden": True},
}

QUERIES = {
    "plans": {
        "title": _vi_en("Danh sách kế hoạch", "Plans"),
        "description": _vi_en("Mỗi văn bản hiện hành với số bản ghi và số cảnh báo",
                              "Every current document with its record and flag counts"),
        "sql": (
            "SELECT d.id, d.doc_type, d.number, d.date, d.level, d.province, d.district, d.commune, d.title,\n"
            "  s.name AS source, CASE WHEN COALESCE(d.ocr, s.ocr, 0) THEN 'OCR' ELSE '' END AS ocr, d.parent_id,\n"
            "  (SELECT COUNT(*) FROM records r WHERE r.document_id = d.id AND r.type = 'target') AS targets,\n"
            "  (SELECT COUNT(*) FROM records r WHERE r.document_id = d.id AND r.type = 'status') AS results,\n"
            "  (SELECT COUNT(*) FROM records r WHERE r.document_id = d.id AND r.type = 'deadline') AS deadlines,\n"
            "  (SELECT COUNT(*) FROM records r WHERE r.document_id = d.id AND r.type = 'assignment') AS assignments,\n"
            "  (SELECT COUNT(*) FROM records r WHERE r.document_id = d.id AND r.type = 'funding') AS funding,\n"
            "  (SELECT COUNT(*) FROM flags f WHERE f.child_document_id = d.id AND f.status = 'open') AS open_flags\n"
            "FROM documents d LEFT JOIN sources s ON s.id = d.source_id\n"
            "WHERE COALESCE(d.superseded, 0) = 0\n"
            "ORDER BY d.province, d.level, d.district, d.commune, d.id"
        ),
    },
    "plan_targets": {
        "title": _vi_en("Chỉ tiêu của một kế hoạch", "Targets of one plan"),
        "description": _vi_en("Nhập mã (id) hoặc số hiệu văn bản (ví dụ 65-KH/HU)",
                              "Give the document id or its number (e.g. 65-KH/HU)"),
        "sql": (
            "SELECT t.id, t.topic, t.criterion, t.comparator, t.value, t.value_max, t.unit, t.year,\n"
            "  t.subject, t.quote, t.section, t.start, t.\"end\"\n"
            "FROM targets t JOIN documents d ON d.id = t.document_id\n"
            "WHERE d.id = CAST(:plan AS INTEGER) OR d.number = :plan\n"
            "ORDER BY t.start, t.id"
        ),
    },
    "plan_beside_parent": {
        "title": _vi_en("Kế hoạch huyện bên cạnh kế hoạch tỉnh, từng chỉ tiêu",
                        "A district plan beside its province's plan, indicator by indicator"),
        "description": _vi_en(
            "Chỉ tiêu của kế hoạch cấp dưới ghép với chỉ tiêu của kế hoạch cấp trên (documents.parent_id) "
            "cùng lĩnh vực, đơn vị và năm. Để trống ô 'plan' để xem mọi kế hoạch.",
            "Targets of a lower-level plan matched to its parent's targets (documents.parent_id) with the "
            "same topic, unit and year. Leave 'plan' empty for every plan.",
        ),
        "sql": (
            "SELECT cd.id AS plan_id, COALESCE(cd.number, '#' || cd.id) AS plan,\n"
            "  COALESCE(cd.district, cd.commune, cd.province) AS area,\n"
            "  pd.id AS parent_id, COALESCE(pd.number, '#' || pd.id) AS parent_plan,\n"
            "  c.topic, c.criterion, c.unit, c.year,\n"
            "  c.comparator AS plan_comparator, c.value AS plan_value,\n"
            "  p.comparator AS parent_comparator, p.value AS parent_value,\n"
            "  ROUND(c.value - p.value, 4) AS difference,\n"
            "  c.quote AS plan_quote, p.quote AS parent_quote\n"
            "FROM documents cd\n"
            "JOIN documents pd ON pd.id = cd.parent_id\n"
            "JOIN targets c ON c.document_id = cd.id\n"
            "JOIN targets p ON p.document_id = pd.id AND p.unit IS c.unit AND p.topic IS c.topic\n"
            "  AND p.year IS c.year\n"
            "  AND (c.criterion IS NULL OR p.criterion IS NULL OR c.criterion = p.criterion)\n"
            "WHERE COALESCE(cd.superseded, 0) = 0\n"
            "  AND (COALESCE(:plan, '') = '' OR cd.id = CAST(:plan AS INTEGER) OR cd.number = :plan)\n"
            "ORDER BY cd.id, c.topic, c.criterion, c.year, c.start, p.start"
        ),
    },
    "open_flags_by_district": {
        "title": _vi_en("Cảnh báo còn mở theo huyện", "Open flags by district"),
        "description": _vi_en(
            "Cảnh báo đang mở (trừ những cảnh báo đã bị bác bỏ) theo tỉnh và huyện",
            "Open flags (leaving out dismissed ones) by province and district",
        ),
        "sql": (
            "WITH rs AS (SELECT f.id, f.rule, f.severity, f.child_document_id,\n"
            f"  {REVIEW_STATUS_SQL} AS review\n"
            "  FROM flags f WHERE f.status = 'open')\n"
            "SELECT COALESCE(d.province, '') AS province, COALESCE(d.district, '') AS district,\n"
            "  COUNT(*) AS open_flags,\n"
            "  SUM(rs.severity = 'error') AS errors, SUM(rs.severity = 'warning') AS warnings,\n"
            "  SUM(rs.review = 'unreviewed') AS unreviewed, SUM(rs.review = 'accept') AS accepted,\n"
            "  GROUP_CONCAT(DISTINCT rs.rule) AS rules\n"
            "FROM rs LEFT JOIN documents d ON d.id = rs.child_document_id\n"
            "WHERE rs.review != 'dismiss'\n"
            "GROUP BY 1, 2 ORDER BY open_flags DESC, province, district"
        ),
    },
    "flags_review_status": {
        "title": _vi_en("Cảnh báo và trạng thái xem xét", "Flags with their review status"),
        "description": _vi_en(
            "Trạng thái xem xét: unreviewed (chưa xem), accept, dismiss, comment (chỉ có ghi chú)",
            "Review status: unreviewed, accept, dismiss, comment (comments only)",
        ),
        "sql": (
            "SELECT f.id, f.rule, f.severity, f.status, " + REVIEW_STATUS_SQL + " AS review,\n"
            "  f.message, f.child_document_id, f.parent_document_id, f.criterion\n"
            "FROM flags f\n"
            "WHERE (COALESCE(:review, '') = '' OR " + REVIEW_STATUS_SQL + " = :review)\n"
            "ORDER BY f.child_document_id, f.rule, f.id"
        ),
    },
    "search": {
        "title": _vi_en("Tìm kiếm (không cần dấu)", "Search (diacritics optional)"),
        "description": _vi_en(
            "Gõ có dấu hoặc không dấu: 'nuoc sach' tìm thấy 'nước sạch'. Kết quả khớp đúng dấu đứng trước.",
            "Type with or without diacritics: 'nuoc sach' finds 'nước sạch'. Exact-diacritic hits come first.",
        ),
        "sql": (
            "SELECT r.type, r.quote, d.number, s.name AS source, r.value, r.unit, r.year, r.topic,\n"
            "  r.document_id, r.id AS record_id,\n"
            "  CASE kehoach_match_class(r.quote, :q) WHEN 0 THEN 'exact' WHEN 1 THEN 'phrase' ELSE 'words' END AS match\n"
            "FROM records_fts JOIN records r ON r.id = records_fts.rowid\n"
            "JOIN documents d ON d.id = r.document_id LEFT JOIN sources s ON s.id = d.source_id\n"
            "WHERE records_fts MATCH kehoach_fts(:q) AND COALESCE(d.superseded, 0) = 0\n"
            "ORDER BY kehoach_match_class(r.quote, :q), records_fts.rank\n"
            "LIMIT 200"
        ),
    },
}

# the indicator matrix (extractor/check/matrix.py builds its SQL)
from ..check.matrix import CANNED_QUERY as _INDICATOR_MATRIX  # noqa: E402

QUERIES["indicator_matrix"] = _INDICATOR_MATRIX


# the tables a visitor comes for, linked at the top of the index page (Datasette lists
# only the five largest tables there and hides the record views behind "…")
INDEX_LINKS = ["targets", "results", "deadlines", "assignments", "funding", "documents", "flags", "reviews"]


def _index_links(db_name: str) -> str:
    from urllib.parse import quote

    links = " · ".join(f'<a href="/{quote(db_name)}/{t}">{TABLES[t]["title"]}</a>' for t in INDEX_LINKS)
    plans = f'<a href="/{quote(db_name)}/plans">{QUERIES["plans"]["title"]}</a>'
    return f'<p class="kh-index-links"><strong>Bảng / Tables:</strong> {links} · {plans}</p>'


def build_metadata(db_name: str = "kehoach") -> dict:
    """The metadata dict for ``Datasette(metadata=...)`` with the database named ``db_name``."""
    return {
        "title": "kehoach — Kế hoạch nông thôn mới / NTM plans",
        "description_html": (
            "Chỉ tiêu, kết quả, thời hạn, phân công và kinh phí trích từ kế hoạch xây dựng nông thôn mới, "
            "mỗi bản ghi kèm nguyên văn. / Targets, results, deadlines, assignments and funding extracted from "
            "New Rural Development plans, each with its exact quote. "
            "<a href=\"/-/review\">Xem xét cảnh báo / Review flags</a> · "
            "<a href=\"/-/search\">Tìm kiếm / Search</a>" + _index_links(db_name)
        ),
        "databases": {
            db_name: {
                "title": _vi_en("Cơ sở dữ liệu kế hoạch", "Plans database"),
                "description": _vi_en(
                    "Văn bản, bản ghi trích xuất, cảnh báo đối chiếu và kết quả xem xét",
                    "Documents, extracted records, cross-check flags and review decisions",
                ),
                "tables": TABLES,
                "queries": QUERIES,
            }
        },
    }
