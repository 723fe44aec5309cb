/*
 * auth.h — officers' identities: access tokens (ES256 JWTs via libjwt) and
 * their verification, the per-thread key ring, revocations and verified-token
 * cache, the /v1/auth and /v1/me routes, and the CLI's officer and key
 * administration.
 *
 * libjwt 1.10 trusts the token's own `alg`, checks no claim, and accepts a
 * signed token unverified when given no key; so verification here reads the
 * header itself first (alg pinned to ES256, kid known, no jku/x5u/jwk),
 * decodes with the kid's public key, checks jwt_get_alg() again, and checks
 * every claim itself with a 30 s skew.
 */
#ifndef DFT_AUTH_H
#define DFT_AUTH_H

#include "../http/server.h"

#include <libpq-fe.h>
#include <stdio.h>

#define DFT_AUTH_MAX_MEMBERSHIPS 100 /* sql/catalog/0011_membership_cap.sql holds officers to it */
#define DFT_AUTH_SKEW 30
/* The largest token accepted: ours are about 400 bytes (who and which session,
 * no memberships); the issuer refuses to make a longer one. */
#define DFT_AUTH_MAX_TOKEN 2048

/* The roles, in bit order: the one list. The names, the bits and the CLI's
 * help come from it; the contract's Role enum (tests/unit/test_contract.c)
 * and the catalog's CHECKs on memberships and service accounts
 * (tests/api/test_officers.py) are tested against it. A new role is one line
 * here plus a migration that widens those CHECKs. */
#define DFT_ROLES(X)                                                                                                       \
    X(OFFICER, "officer")                                                                                                  \
    X(SECTION_OFFICER, "section_officer")                                                                                  \
    X(DEPT_ADMIN, "dept_admin")                                                                                            \
    X(HR_ADMIN, "hr_admin")                                                                                                \
    X(DISPATCH_CLERK, "dispatch_clerk")                                                                                    \
    X(TRAINING_NODAL, "training_nodal")                                                                                    \
    X(RECORDS_OFFICER, "records_officer")                                                                                  \
    X(ESTABLISHMENT, "establishment")                                                                                      \
    X(HOO, "hoo")                                                                                                          \
    X(TRAINING_ADMIN, "training_admin")                                                                                    \
    X(APAR_CUSTODIAN, "apar_custodian")                                                                                    \
    X(AUDITOR, "auditor")

enum {
#define DFT_ROLE_INDEX_(c, n) DFT_ROLE_INDEX_##c,
    DFT_ROLES(DFT_ROLE_INDEX_)
#undef DFT_ROLE_INDEX_
        DFT_NUM_ROLES
};

enum {
#define DFT_ROLE_BIT_(c, n) DFT_ROLE_##c = 1 << DFT_ROLE_INDEX_##c,
    DFT_ROLES(DFT_ROLE_BIT_)
#undef DFT_ROLE_BIT_
};

typedef enum { DFT_CLR_UNCLASSIFIED, DFT_CLR_RESTRICTED, DFT_CLR_CONFIDENTIAL, DFT_CLR_SECRET } dft_clearance_t;

typedef struct dft_membership_t {
    char dept[32];
    uint32_t roles;
} dft_membership_t;

typedef struct dft_principal_t {
    char uid[24]; /* an officer's UID, or a service account's client id (svc_...) */
    unsigned service : 1;
    dft_clearance_t clearance;
    unsigned otp : 1;        /* amr has otp: a second factor was used */
    unsigned pwd_change : 1; /* a temporary password: only the DFT_ROUTE_SETUP routes */
    unsigned otp_enrol : 1;  /* a second factor is required but not enrolled: only DFT_ROUTE_SETUP routes */
    int64_t iat, exp;
    int64_t gen; /* the officer's token generation when issued */
    uint32_t scopes; /* a service account's (dft_scope_bit), from its token */
    /* From the catalog, not the token (state.c's officer cache): a change of
     * memberships, roles or clearance counts from the next request. */
    size_t num_memberships;
    const dft_membership_t *memberships;
} dft_principal_t;

typedef struct dft_auth_params_t {
    const char *issuer, *audience;
    int64_t access_ttl; /* seconds, at most 900 */
} dft_auth_params_t;

/* The name of role bit i (0..6), NULL past the end. */
const char *dft_role_name(unsigned i);
/* Role bit for a role name, 0 if unknown. */
uint32_t dft_role_bit(const char *name, size_t len);
/* "officer, section_officer, ...": every role name, for help and messages. */
void dft_roles_print(FILE *out);
/* Roles of p in dept, 0 when not a member. */
uint32_t dft_principal_roles(const dft_principal_t *p, const char *dept, size_t len);

/* Verifies `token` against the public key `public_pem` of kid (looked up by
 * the caller through lookup) and fills p. 0, or -1 with *why for the log. */
typedef const char *(*dft_key_lookup_fn)(void *ctx, const char *kid);
int dft_token_verify(const char *token, size_t len, dft_key_lookup_fn lookup, void *ctx, const dft_auth_params_t *params,
                     int64_t now, dft_principal_t *p, const char **why);

enum { DFT_TOKEN_OTP = 1, DFT_TOKEN_PWD_CHANGE = 2, DFT_TOKEN_OTP_ENROL = 4, DFT_TOKEN_CLIENT = 8 };

/* ^svc_[0-9a-f]{16}$ */
int dft_client_id_valid(const char *s, size_t len);

/* A principal's session as the catalog gives it (daftar.principal_session):
 * {"clearance": name, "depts": {code: [role, ...]}} into *clearance and m[0..*n)
 * (m has room for DFT_AUTH_MAX_MEMBERSHIPS); NULL, or why it is unusable. */
const char *dft_session_parse(const char *json, size_t len, dft_clearance_t *clearance, dft_membership_t *m, size_t *n);

/* Signs an access token: who (uid) and which session, not what it may do:
 * claims is {"gen": n[, "scope": "..."]} (other members are ignored); flags DFT_TOKEN_*.
 * Returns a malloc'd string, or NULL. Usable on any thread. */
char *dft_token_issue(const char *kid, const char *private_pem, const dft_auth_params_t *params, const char *uid,
                      const char *claims_json, unsigned flags, int64_t now);

/* Documents daftar vouches for (training certificates): compact JWSs, ES256 with a signing key (kid in
 * the header, the header rules of tokens), over claims of the caller's, to which sign adds iss (ours)
 * and iat. They are told from access tokens by their claims: verifying one as a token fails (unknown
 * claims, no token_use "access"), and their own check wants the caller's token_use. Pure functions. */
char *dft_document_sign(const char *kid, const char *private_pem, const dft_auth_params_t *params, const char *claims_json,
                        int64_t now);
/* The kid named by a document's header (kid[72]); 0, or -1 with *why. */
int dft_document_kid(const char *token, size_t len, char kid[72], const char **why);
/* Checks a document's signature with public_pem and that iss is ours: its claims (malloc'd JSON text) in *claims;
 * 0, or -1 with *why. */
int dft_document_verify(const char *token, size_t len, const char *public_pem, const dft_auth_params_t *params, char **claims,
                        const char **why);
/* The same with this server's settings: signs with the key that signs now on thread t (NULL: none usable);
 * verifies on any thread. */
char *dft_auth_sign_document(dft_thread_t *t, const char *claims_json);
int dft_auth_verify_document(const char *token, size_t len, const char *public_pem, char **claims, const char **why);

/* Department data keys (for documents): a random 32-byte key per department,
 * kept in the catalog sealed under the master key (AES-256-GCM, hex), so a
 * new master key only re-seals 32 bytes per department. */
/* Opens a sealed data key (len bytes of hex); 0, or -1 (no master key, tampered, wrong key). */
int dft_auth_data_key_open(const char *sealed, size_t len, unsigned char out[32]);
/* A new random data key and its sealed form (appended to sealed); 0, or -1 without a master key. */
int dft_auth_data_key_new(unsigned char key[32], dft_buf_t *sealed);

/* Wires authentication into a server (hooks, feeds, worker pool). */
void dft_auth_attach(dft_server_t *server);
/* scrypt in the workers' helper processes from now on (hasher.c); called by dft_auth_attach with hash_process. */
void dft_hasher_use_helpers(void);
/* `daftar worker-helper`: a worker's helper process (lib/http/worker.h); the exit status. */
int dft_hasher_serve(const char *parent);

extern const dft_route_table_t dft_auth_routes;
extern const dft_route_table_t dft_officer_routes;
extern const dft_route_table_t dft_summary_routes; /* summary.c: GET /v1/me/summary */

/* ---- administration (blocking; CLI only) ---- */
int dft_officer_add(PGconn *c, const char *dept, const char *name, const char *designation, const char *roles,
                    const char *clearance, const char *password, FILE *out);
int dft_officer_grant(PGconn *c, const char *uid, const char *dept, const char *roles, const char *designation, FILE *out);
int dft_officer_revoke(PGconn *c, const char *uid, const char *dept, FILE *out);
int dft_officer_suspend(PGconn *c, const char *uid, FILE *out);
int dft_officer_reset_password(PGconn *c, const char *uid, FILE *out);
int dft_officer_reset_second_factor(PGconn *c, const char *uid, FILE *out);
/* A service account: prints its client id and secret (shown once). */
int dft_service_add(PGconn *c, const char *dept, const char *name, const char *roles, const char *scopes, FILE *out);
int dft_service_suspend(PGconn *c, const char *client_id, FILE *out);
/* A new signing key, published now and signing after publish_ahead seconds. */
int dft_keys_rotate(PGconn *c, const unsigned char master_key[32], int64_t publish_ahead, int64_t token_ttl, FILE *out);

#endif
