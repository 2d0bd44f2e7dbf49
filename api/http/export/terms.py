"""What an export's reader owes the datasets it holds, named in its headers."""

from api.services import datasets


def license_links(sources) -> list[str]:
    """``Link: rel="license"`` to the terms of each dataset an export may hold.

    A file leaves with what its reader owes: the datasets its ``source``
    filter names, or all of them (actors and places come from them too).
    """
    return [
        f'</datasets/{dataset["name"]}>; rel="license"; title="{dataset["title"]}"'
        for dataset in datasets.named(sources)
    ]
