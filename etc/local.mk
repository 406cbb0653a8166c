# etc/local.mk - the systemd unit, the tmpfiles.d entry and the man pages
# (included by the top-level Makefile.am).
#
# The unit and tmpfiles directories follow --prefix, so that `make install`
# and distcheck stay inside it: with --prefix=/usr they are the distribution's
# /usr/lib/systemd/system and /usr/lib/tmpfiles.d, with /usr/local systemd
# still finds /usr/local/lib/systemd/system. Override on the make command
# line (make systemdsystemunitdir=...) for anything else.

systemdsystemunitdir = $(prefix)/lib/systemd/system
systemdsystemunit_DATA = etc/vmmd.service
tmpfilesdir = $(prefix)/lib/tmpfiles.d
tmpfiles_DATA = etc/tmpfiles.d/vmmd.conf
dist_man_MANS = docs/vmmd.8 docs/vmctl.1

# ExecStart needs the bindir configure chose; tmpfiles.d wants *.conf names.
etc/vmmd.service: $(srcdir)/etc/vmmd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && \
	sed -e 's|@bindir[@]|$(bindir)|g' $(srcdir)/etc/vmmd.service.in > $@-t && mv $@-t $@

etc/tmpfiles.d/vmmd.conf: $(srcdir)/etc/vmmd.tmpfiles
	$(AM_V_GEN)$(MKDIR_P) etc/tmpfiles.d && cp $(srcdir)/etc/vmmd.tmpfiles $@

CLEANFILES += etc/vmmd.service etc/tmpfiles.d/vmmd.conf
EXTRA_DIST += etc/vmmd.service.in etc/vmmd.tmpfiles
