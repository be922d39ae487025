"""The dossier log (sổ theo dõi hồ sơ TTHC): records, validation, import, export, demo data."""
