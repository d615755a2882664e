from drafting.models import DeclarationState


def test_host_sees_own_draft_and_others_get_404(client, login_as, make_user, make_declaration):
    declaration = make_declaration(clauses=2)
    host = make_user(organization=declaration.host)
    outsider = make_user()
    login_as(outsider)
    assert client.get(f"/declarations/{declaration.id}").status_code == 404
    login_as(host)
    assert client.get(f"/declarations/{declaration.id}").status_code == 200
    assert declaration.state is DeclarationState.drafting
