"""The boundary to the exchange (DESIGN.md): read its records through a mapping, resolve the
accounts behind identifiers. No Django import here: lers reads the exchange's database with
SQLAlchemy Core, whatever engine the exchange runs."""
