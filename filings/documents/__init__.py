"""The documents of a court packet (issue 7): the motion, the orders, Exhibit A, the notices and
the mailing list, for one batch of convictions in one court location.

The input is plain data (``data.PacketRequest`` holding ``data.PacketConviction``s and the
``data.PacketCounty`` of the county profile version it is made with), so that whoever holds an
approved batch can build it from ``Conviction`` rows without this package knowing about batches.
The county profile's packet shape decides the orders: one per court case (per case), or one for
the whole batch granting the lines of its Exhibit A (omnibus, ``omnibus_order.xml``). The PDFs
are Django templates under ``templates/filings/documents/``: the office changes the wording
there, not here, and what differs by county comes from the profile. The motion
(``motion.html``, a long table whose header repeats on every page) is laid out by WeasyPrint;
the orders and letters (``order.xml``, ``notices.xml``), a thousand short papers to a packet, by
ReportLab through ``filings.paper``, ten times faster (``pdfs``). Exhibit A and the mail
house's list are ``exhibit``. ``filings.packets.build_packet`` puts the documents in one zip with
a manifest.

One job a module:

* ``data``: what a packet says (``PacketRequest``, ``PacketConviction``, ``PacketCounty``) and
  how it groups its lines into cases, people and letters;
* ``pdfs``: the motion, the orders and the notices as PDF;
* ``exhibit``: Exhibit A (.xlsx) and the mailing list (.csv).
"""
