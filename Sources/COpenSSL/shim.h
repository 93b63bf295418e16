// Shim over OpenSSL libcrypto (3.x): only the EVP digest/cipher and RAND entry points Custody uses.
// Macros that Swift cannot import become prefixed static inline functions.
#ifndef CUSTODY_COPENSSL_SHIM_H
#define CUSTODY_COPENSSL_SHIM_H

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/crypto.h>

/// Sets the GCM nonce length (EVP_CTRL_GCM_SET_IVLEN is a macro).
static inline int COpenSSL_gcm_set_ivlen(EVP_CIPHER_CTX *ctx, int len) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, len, NULL);
}

/// Reads the 16-byte GCM tag after EVP_EncryptFinal_ex.
static inline int COpenSSL_gcm_get_tag(EVP_CIPHER_CTX *ctx, unsigned char *tag) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag);
}

/// Sets the expected 16-byte GCM tag before EVP_DecryptFinal_ex.
static inline int COpenSSL_gcm_set_tag(EVP_CIPHER_CTX *ctx, const unsigned char *tag) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, (void *)tag);
}

#endif
