"""Planning a centre's day, with no I/O: Erlang C (:mod:`.erlang`), the arrival forecast per
field and half-hour (:mod:`.forecast`), the counters each field needs (:mod:`.staffing`) and
the weekday × hour heat map (:mod:`.heatmap`). The store reads the history
(``queue_server/store/history.py``); the server's ``planning.*`` operations join the two."""
