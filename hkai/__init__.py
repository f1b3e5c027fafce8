"""HK AI Observatory core: documents to a Qdrant hybrid index to cited answers.

Importable without Streamlit; the app and the CLI are thin layers over it.
"""

__version__ = "0.1.0"
