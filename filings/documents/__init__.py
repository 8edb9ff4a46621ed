"""The documents of a court packet (issue 7): the motion, the orders, Exhibit A, the notices and
the mailing list, for one batch of convictions in one court location.

The input is plain data (``data.PacketRequest`` holding ``data.PacketConviction``s), so that
whoever holds an approved batch can build it from ``Conviction`` rows without this package knowing
about batches. The PDFs are Django templates under ``templates/filings/documents/``: the office
changes the wording there, not here. The motion (``motion.html``, a long table whose header
repeats on every page) is laid out by WeasyPrint; the orders and letters (``order.xml``,
``notices.xml``), a thousand short papers to a packet, by ReportLab through ``filings.paper``,
ten times faster (``pdfs``). Exhibit A and the mail house's list are ``exhibit``.
``filings.packets.build_packet`` puts the documents in one zip with a manifest.

One job a module:

* ``data``: what a packet says (``PacketRequest``, ``PacketConviction``) and how it groups its
  lines into cases, people and letters;
* ``pdfs``: the motion, the orders and the notices as PDF;
* ``exhibit``: Exhibit A (.xlsx) and the mailing list (.csv).
"""
