"""The central PostgreSQL's contract, shared by the site that ships to it and the province
that reads it: its migrations (:mod:`.migrations`, the schema's DDL step by step), the
statements a site's shipper runs (:mod:`.schema`: migrate, append one batch exactly once), and each site's closed days summed for the
reports (:mod:`.summaries`), and the requests from the province's page to a site with their
answers (:mod:`.remote_requests`); and what the province's server and the nation's share below
them: the database wrapper (:mod:`.database`) and a report's groups read from the day
summaries (:mod:`.report_groups`). It imports neither app: ``queue_server.shipping`` and
``province`` and ``national`` import it, never each other.
"""
