/**
 * The lab's TLS certificate and private key: LAB-ONLY, deliberately public, never to be trusted by
 * anything but the lab's own tests. Self-signed EC P-256, valid 2026-11-26 to 2126-11-02, subject
 * alternative names `corsight-lab.test`, `*.corsight-lab.test`, `localhost`, `127.0.0.1`, `::1`.
 * The same bytes are in `lab-cert.pem` / `lab-key.pem` next to this file (a test keeps them equal);
 * how they were made is in `README.md`. They live in a module so the built package serves HTTPS without
 * reading files next to the sources.
 */

/** PEM certificate of the lab (self-signed, lab-only). */
export const labCertificate = `-----BEGIN CERTIFICATE-----
MIICUDCCAfWgAwIBAgIUVRn6F9KrepSmv7hGJWv3sJiKgA4wCgYIKoZIzj0EAwIw
PzEaMBgGA1UEAwwRY29yc2lnaHQtbGFiLnRlc3QxITAfBgNVBAoMGGNvcnNpZ2h0
IGxhYiAodGVzdCBvbmx5KTAgFw0yNjExMjYwNTU2MDZaGA8yMTI2MTEwMjA1NTYw
NlowPzEaMBgGA1UEAwwRY29yc2lnaHQtbGFiLnRlc3QxITAfBgNVBAoMGGNvcnNp
Z2h0IGxhYiAodGVzdCBvbmx5KTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNnS
IvliSHL2ilyDuXtn/wjrk+vbHOF3RfN9qscIgt8w9cqX2hsAXecVkjSs3pJbY79U
GyGN3Ftpax0mMjF+BDSjgcwwgckwHQYDVR0OBBYEFGLDU3QkR8ZBUIQOye5fW3rq
cj0aMB8GA1UdIwQYMBaAFGLDU3QkR8ZBUIQOye5fW3rqcj0aMFQGA1UdEQRNMEuC
EWNvcnNpZ2h0LWxhYi50ZXN0ghMqLmNvcnNpZ2h0LWxhYi50ZXN0gglsb2NhbGhv
c3SHBH8AAAGHEAAAAAAAAAAAAAAAAAAAAAEwDAYDVR0TAQH/BAIwADAOBgNVHQ8B
Af8EBAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwEwCgYIKoZIzj0EAwIDSQAwRgIh
AKjWb8IHxGTCCihy8rAS1Qzclg7BzxMWqMz4eEdbQ0SlAiEArzePf6dd/oir+CC6
DcjUBd6mTo2Vo8IB8BztpPigjbU=
-----END CERTIFICATE-----
`;

/** PEM private key of the lab certificate. Public on purpose: it protects nothing. */
export const labPrivateKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgn63jegMjGjVStbLr
SW/FVYbHOntqi1GZiK5bnzQsRxOhRANCAATZ0iL5Ykhy9opcg7l7Z/8I65Pr2xzh
d0XzfarHCILfMPXKl9obAF3nFZI0rN6SW2O/VBshjdxbaWsdJjIxfgQ0
-----END PRIVATE KEY-----
`;
