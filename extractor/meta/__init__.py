"""Meta stage: type, number, date, issuer, level, places, title, period, signer, citations.

API
---
``extract_meta(text, *, attachment_of=None) -> DocMeta``
    ``text`` is ONE document's normalised text (a part from ``split_documents``); every
    citation offset is relative to it.  ``attachment_of`` is the meta of the cover
    document this part was sent with (the previous part, whose note says "Gửi kèm Kế
    hoạch số ..."): its note supplies number, date and issuer when the part has none.

``extract_metas(full_text, parts=None) -> list[DocMeta]``
    Runs ``split_documents`` (unless ``parts`` is given) and ``extract_meta`` on every
    part, passing the previous part as ``attachment_of`` when its "Gửi kèm" note names a
    document of this part's type.

Where each field comes from (``DocMeta.provenance``), strongest first
----------------------------------------------------------------------
* ``letterhead``: the block above the doc-type heading (issuer lines, ``Số: ...``,
  ``<place>, ngày ... tháng ... năm ...``; two-column lines merged into one are taken
  apart);
* ``letterhead_displaced``: letterhead lines that the converter dropped elsewhere
  (``ỦY BAN NHÂN DÂN`` / ``HUYỆN THẠCH AN`` alone in the middle of page 1);
* ``attachment_note``: the cover's ``(Gửi kèm Kế hoạch số 47-KH/TU, ngày 03/6/2022 của
  Tỉnh ủy)`` for the attached part;
* ``body``: the opening sentence (``Ủy ban nhân dân xã X xây dựng kế hoạch ...``,
  ``Ban Thường vụ Huyện ủy X ban hành kế hoạch ...``), else places named in the text
  (``UBND tỉnh Gia Lai``, ``Điện lực Ia Grai``: a district of that province);
* ``signature``: the signature block gives the kind of issuer (``TM. ỦY BAN NHÂN DÂN``
  -> UBND, ``T/M BAN THƯỜNG VỤ`` / ``BÍ THƯ`` -> party committee, ``TRƯỞNG BAN`` -> a
  board), the name under it gives ``signer``;
* ``title``: the place the title is about (``trên địa bàn xã Thu Lũm``, ``huyện Thạch
  An năm 2025``, ``trên địa bàn huyện`` -> level huyen); also ``period``;
* ``recipients``: the ``Nơi nhận`` list (``Lưu VPHU, BTGHU`` -> Ban Tuyên giáo Huyện ủy;
  ``UBND các xã`` -> a district document);
* ``gazetteer``: province of a named district, district of a named commune, from
  ``rules/places.yml`` when the name is unique there;
* ``number``: the issuer code of the document's number (``-KH/HU`` -> level huyen).

An issuer assembled from two sources records both (``signature+body``).  A field
nothing supports stays None; the district of a district document is filled only
when the text names exactly one district of the province.

Modules, by what they read: ``orgs`` (organisation names, the gazetteer), ``letterhead``,
``closing`` (signature, recipients), ``places`` (places named in the text), ``dates``
(dateline, period), ``resolve`` (every field, from those sources, in the order above).
"""

from .dates import dateline, period_of
from .orgs import Org, lookup_place, parse_org
from .places import place_mentions
from .resolve import extract_meta, extract_metas

__all__ = ["Org", "dateline", "extract_meta", "extract_metas", "lookup_place", "parse_org", "period_of", "place_mentions"]
