"""What leaves the lobby: notifications to citizens' phones (SMS, Zalo ZNS) and webhooks to
integrators, through a durable outbox written with the events that cause them
(``docs/notifications.md``). ``plan`` and ``phones`` and ``adapters`` and ``signing`` are
pure; ``delivery`` is the thread that sends."""
