"""Small helpers that several test modules share."""


def ids(client, url):
    """The ids of the records a GET of ``url`` lists, in the order it lists them."""
    response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return [record["id"] for record in response.get_json()]
