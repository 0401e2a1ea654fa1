#include "orchestrator/secrets.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/logging.h"

namespace arxivflow::orchestrator {

namespace {
Status InitSodium() {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  return Status::OK();
}
}  // namespace

Status SecretBox::CreateKeyFile(const std::string& path) {
  AF_RETURN_IF_ERROR(InitSodium());
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::AlreadyExists(path + ": key file already exists");
    return Status::IOError(path + ": cannot create key file: " + std::strerror(errno));
  }
  unsigned char key[crypto_secretbox_KEYBYTES];
  crypto_secretbox_keygen(key);
  ssize_t n = write(fd, key, sizeof key);
  sodium_memzero(key, sizeof key);
  fchmod(fd, 0600);
  bool ok = n == static_cast<ssize_t>(sizeof key) && fsync(fd) == 0;
  close(fd);
  if (!ok) return Status::IOError(path + ": cannot write key file");
  return Status::OK();
}

Result<SecretBox> SecretBox::Load(const std::string& path) {
  AF_RETURN_IF_ERROR(InitSodium());
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::NotFound(path + ": no secret key (run `arxivflow db init`): " + std::strerror(errno));
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && (st.st_mode & 077)) {
    spdlog::warn("{} is readable by other users (mode {:04o}); anyone who reads it can decrypt every stored "
                 "secret: run `chmod 600 {}`", path, static_cast<unsigned>(st.st_mode & 07777), path);
  }
  SecretBox box;
  box.key_.resize(crypto_secretbox_KEYBYTES);
  ssize_t n = read(fd, box.key_.data(), box.key_.size());
  close(fd);
  if (n != static_cast<ssize_t>(box.key_.size())) {
    return Status::Corruption(path + ": secret key must be " + std::to_string(crypto_secretbox_KEYBYTES) + " bytes");
  }
  return box;
}

std::vector<uint8_t> SecretBox::Encrypt(std::string_view plaintext) const {
  std::vector<uint8_t> out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size());
  randombytes_buf(out.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        out.data(), key_.data());
  return out;
}

Result<std::string> SecretBox::Decrypt(const std::vector<uint8_t>& sealed) const {
  if (sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return Status::Corruption("encrypted value too short");
  }
  std::string out(sealed.size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                 sealed.data() + crypto_secretbox_NONCEBYTES,
                                 sealed.size() - crypto_secretbox_NONCEBYTES, sealed.data(),
                                 key_.data()) != 0) {
    return Status::Corruption("encrypted value does not open with this home's secret.key");
  }
  return out;
}

}  // namespace arxivflow::orchestrator
