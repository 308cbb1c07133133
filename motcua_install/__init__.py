"""``motcua-install``: set up one machine of a centre (Debian 12) in one command.

It writes files only — a system user (sysusers.d), its folders (tmpfiles.d), ``/etc/motcua``,
``/var/lib/motcua``, systemd units — into a root (``/`` on the machine, a temporary folder in
the tests), then asks systemd to apply them. It imports nothing of the apps: it knows their
command names and options alone (``roles``)."""
