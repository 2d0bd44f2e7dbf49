"""The CAMEO codebook over HTTP: listing, roots, children, search and look-up."""


def codes(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_json()
    return [entry["code"] for entry in response.get_json()]


def test_list_the_codebook(client):
    response = client.get("/event-codes/")
    assert response.status_code == 200
    assert "ETag" in response.headers
    entries = response.get_json()
    assert len(entries) > 300
    listed = [entry["code"] for entry in entries]
    assert listed == sorted(set(listed))
    assert {"01", "057", "0861", "0871", "190", "1951", "20"} <= set(listed)


def test_roots_and_children(client):
    roots = [f"{n:02d}" for n in range(1, 21)]
    response = client.get("/event-codes/?root=true")
    assert response.status_code == 200
    assert [entry["code"] for entry in response.get_json()] == roots
    assert all(entry["parent"] is None for entry in response.get_json())
    assert all(entry["root"] == entry["code"] for entry in response.get_json())

    assert codes(client, "/event-codes/?parent=19") == [
        "190",
        "191",
        "192",
        "193",
        "194",
        "195",
        "196",
    ]
    assert codes(client, "/event-codes/?parent=195") == ["1951", "1952"]
    assert codes(client, "/event-codes/?parent=1951") == []


def test_search_by_name(client):
    assert codes(client, "/event-codes/?q=ceasefire") == ["0871", "196"]
    assert codes(client, "/event-codes/?q=CEASEFIRE") == ["0871", "196"]
    assert codes(client, "/event-codes/?q=truce%20declare") == ["0871"]
    assert codes(client, "/event-codes/?q=ceasefire&parent=19") == ["196"]
    assert "0861" in codes(client, "/event-codes/?q=peacekeepers")
    assert codes(client, "/event-codes/?q=zeppelin") == []


def test_get_one_code(client):
    response = client.get("/event-codes/0861")
    assert response.status_code == 200
    entry = response.get_json()
    assert entry["code"] == "0861"
    assert entry["name"] == "Receive deployment of peacekeepers"
    assert (entry["parent"], entry["root"], entry["quad_class"]) == ("086", "08", 2)
    etag = response.headers["ETag"]
    response = client.get("/event-codes/0861", headers={"If-None-Match": etag})
    assert response.status_code == 304

    response = client.get("/event-codes/19")
    assert response.status_code == 200
    assert (response.get_json()["parent"], response.get_json()["root"]) == (None, "19")


def test_unknown_code_and_parameter(client):
    response = client.get("/event-codes/9999")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.get_json()["status"] == 404
    assert "9999" in response.get_json()["detail"]

    response = client.get("/event-codes/?prefix=19")
    assert response.status_code == 422
    assert response.get_json()["errors"]["query"] == {"prefix": ["Unknown parameter."]}
