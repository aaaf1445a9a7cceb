"""`cfmonitor import`: case-management exports (CSV/XLSX) into a cfmonitor database.

read (files as text) → cast (strictly, every problem collected) → check (integrity of
the state the database would be in) → write (one transaction, after a backup).
"""
