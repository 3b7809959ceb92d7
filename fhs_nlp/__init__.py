"""fhs-nlp: read Region Skåne's Framtidens hälsosystem strategy documents into records.

The library works without the CLI::

    from fhs_nlp import extract_paths
    result = extract_paths(["corpus/"])
    for milestone in result.records["milestone"]:
        print(milestone.year, milestone.title, milestone.provenance.short())
"""

from fhs_nlp._version import __version__
from fhs_nlp.extract.pipeline import ExtractionResult, extract_document, extract_paths

__all__ = ["ExtractionResult", "__version__", "extract_document", "extract_paths"]
