// S3 client and ObjectStore end to end against an S3-protocol server.
// Run under tests/support/s3rver_harness.mjs, which sets AWS_ENDPOINT_URL and
// the keys; without it these tests skip.
#include <gtest/gtest.h>

#include <random>

#include "remote/aws_sigv4.h"
#include "remote/object_store.h"
#include "remote/parquet_object_io.h"
#include "remote/s3_client.h"
#include "remote/s3_object_writer.h"

namespace arxivflow::remote {
namespace {

class S3Integration : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::getenv("AWS_ENDPOINT_URL")) GTEST_SKIP() << "AWS_ENDPOINT_URL not set (run under s3rver_harness.mjs)";
    auto opts = S3ClientOptionsFromEnvironment();
    ASSERT_TRUE(opts.ok()) << opts.status().ToString();
    opts->initial_backoff_ms = 10;
    client_ = std::make_shared<S3Client>(*opts);
    bucket_ = "it-" + std::to_string(std::random_device{}() % 1000000);
    ASSERT_TRUE(client_->CreateBucket(bucket_).ok());
  }

  static std::string Payload(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
  }

  std::shared_ptr<S3Client> client_;
  std::string bucket_;
};

TEST_F(S3Integration, PutHeadGetRangeListDelete) {
  const std::string body = "hello, object store: 0123456789";
  ASSERT_TRUE(client_->PutObject(bucket_, "dir/a b/ü.txt", body).ok());
  auto head = client_->HeadObject(bucket_, "dir/a b/ü.txt");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, body.size());
  auto all = client_->GetObjectToString(bucket_, "dir/a b/ü.txt");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(*all, body);
  auto part = client_->GetObjectToString(bucket_, "dir/a b/ü.txt", ByteRange{7, 6});
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(*part, "object");

  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client_->PutObject(bucket_, "list/k" + std::to_string(i), "x").ok());
  auto page = client_->ListObjectsV2(bucket_, "list/", "", 2);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->objects.size(), 2u);
  EXPECT_TRUE(page->is_truncated);
  auto listed = client_->ListAll(bucket_, "list/");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 5u);
  EXPECT_EQ((*listed)[4].key, "list/k4");

  ASSERT_TRUE(client_->DeleteObject(bucket_, "list/k0").ok());
  auto gone = client_->HeadObject(bucket_, "list/k0");
  EXPECT_EQ(gone.status().code(), Status::Code::kNotFound) << gone.status().ToString();
  EXPECT_TRUE(client_->DeleteObject(bucket_, "list/never-existed").ok());
}

TEST_F(S3Integration, MultipartUploadOfTwelveMegabytes) {
  const std::string data = Payload(12u << 20, 7);
  S3ObjectWriter writer(client_, bucket_, "big/object.bin", S3ObjectWriter::kMinPartSize);
  for (size_t off = 0; off < data.size(); off += 1 << 20) {
    ASSERT_TRUE(writer.Append(std::string_view(data).substr(off, 1 << 20)).ok());
  }
  EXPECT_EQ(writer.parts_uploaded(), 2);  // the third, short part goes on Commit
  Status st = writer.Commit();
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(writer.parts_uploaded(), 3);
  auto head = client_->HeadObject(bucket_, "big/object.bin");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->size, data.size());
  std::string back;
  size_t chunks = 0;
  ASSERT_TRUE(client_->GetObject(bucket_, "big/object.bin", std::nullopt, [&](std::string_view c) {
    back.append(c);
    ++chunks;
    return Status::OK();
  }).ok());
  EXPECT_EQ(Sha256Hex(back), Sha256Hex(data));
  EXPECT_GT(chunks, 1u);  // streamed, not one buffer
  auto tail = client_->GetObjectToString(bucket_, "big/object.bin", ByteRange{data.size() - 100, 100});
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(*tail, data.substr(data.size() - 100));
}

TEST_F(S3Integration, AbandonedWriterPublishesNothing) {
  {
    S3ObjectWriter writer(client_, bucket_, "partial.bin", S3ObjectWriter::kMinPartSize);
    ASSERT_TRUE(writer.Append(Payload(6u << 20, 3)).ok());
    EXPECT_EQ(writer.parts_uploaded(), 1);
  }  // destroyed without Commit: aborts
  EXPECT_EQ(client_->HeadObject(bucket_, "partial.bin").status().code(), Status::Code::kNotFound);
}

TEST_F(S3Integration, ObjectStoreAndParquetAdapters) {
  auto store = std::shared_ptr<const ObjectStore>(MakeS3ObjectStore(client_, bucket_, "lake", 5u << 20));
  auto w = store->OpenWriter("papers/part-0.parquet");
  ASSERT_TRUE(w.ok());
  auto sink = MakeObjectOutputSink(std::move(*w));
  ASSERT_TRUE(sink->Append("PAR1").ok());
  ASSERT_TRUE(sink->Append(std::string(1000, 'z')).ok());
  ASSERT_TRUE(sink->Append("PAR1").ok());
  EXPECT_EQ(sink->name(), "s3://" + bucket_ + "/lake/papers/part-0.parquet");
  EXPECT_EQ(store->List("").value().size(), 0u);  // nothing visible before Close
  ASSERT_TRUE(sink->Close().ok());
  auto listed = store->List("papers/");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].path, "papers/part-0.parquet");
  EXPECT_EQ((*listed)[0].size, 1008u);
  auto in = OpenObjectInputFile(store, "papers/part-0.parquet");
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ((*in)->Size(), 1008u);
  std::string footer;
  ASSERT_TRUE((*in)->ReadAt(1004, 4, &footer).ok());
  EXPECT_EQ(footer, "PAR1");
  EXPECT_FALSE((*in)->ReadAt(1006, 4, &footer).ok());
  ASSERT_TRUE(store->Delete("papers/part-0.parquet").ok());
  EXPECT_EQ(store->Size("papers/part-0.parquet").status().code(), Status::Code::kNotFound);
}

TEST_F(S3Integration, RequestsFromInsideABodyCallbackWork) {
  // Streaming one object into another issues requests while a GET is open.
  ASSERT_TRUE(client_->PutObject(bucket_, "src.bin", Payload(300000, 11)).ok());
  S3ObjectWriter copy(client_, bucket_, "dst.bin", S3ObjectWriter::kMinPartSize);
  int nested = 0;
  Status st = client_->GetObject(bucket_, "src.bin", std::nullopt, [&](std::string_view chunk) {
    ++nested;
    AF_RETURN_IF_ERROR(copy.Append(chunk));
    return client_->HeadBucket(bucket_);
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(copy.Commit().ok());
  EXPECT_GT(nested, 0);
  EXPECT_EQ(*client_->GetObjectToString(bucket_, "dst.bin"), Payload(300000, 11));
}

TEST_F(S3Integration, MissingBucketIsAClearError) {
  Status st = client_->PutObject("no-such-bucket-here", "k", "v");
  EXPECT_EQ(st.code(), Status::Code::kNotFound);
  EXPECT_NE(st.message().find("NoSuchBucket"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("s3://no-such-bucket-here/k"), std::string::npos) << st.message();
  auto list = client_->ListObjectsV2("no-such-bucket-here", "");
  EXPECT_EQ(list.status().code(), Status::Code::kNotFound);
}

TEST_F(S3Integration, WrongSecretIsSignatureDoesNotMatch) {
  S3ClientOptions o = client_->options();
  o.credentials.secret_access_key = "not-the-secret";
  S3Client bad(o);
  Status st = bad.PutObject(bucket_, "k", "v");
  EXPECT_EQ(st.code(), Status::Code::kPermissionDenied);
  EXPECT_NE(st.message().find("SignatureDoesNotMatch"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find("not-the-secret"), std::string::npos);
}

TEST_F(S3Integration, UnknownAccessKeyIsInvalidAccessKeyId) {
  S3ClientOptions o = client_->options();
  o.credentials.access_key_id = "AKIDUNKNOWN";
  S3Client bad(o);
  Status st = bad.HeadBucket(bucket_).ok() ? Status::OK() : bad.PutObject(bucket_, "k", "v");
  EXPECT_EQ(st.code(), Status::Code::kPermissionDenied);
  EXPECT_NE(st.message().find("InvalidAccessKeyId"), std::string::npos) << st.message();
}

TEST_F(S3Integration, ExistingBucketIsAlreadyExists) {
  Status st = client_->CreateBucket(bucket_);
  EXPECT_EQ(st.code(), Status::Code::kAlreadyExists) << st.ToString();
}

TEST(S3Unreachable, ClosedPortIsUnavailableAfterRetries) {
  S3ClientOptions o;
  o.endpoint = "http://127.0.0.1:9";  // discard port: nothing listens
  o.credentials = {"AKID", "SECRET", "", "test"};
  o.max_attempts = 3;
  o.initial_backoff_ms = 5;
  S3Client c(o);
  Status st = c.PutObject("bucket", "key", "v");
  EXPECT_EQ(st.code(), Status::Code::kUnavailable);
  EXPECT_NE(st.message().find("after 3 attempts"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("127.0.0.1:9"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find("SECRET"), std::string::npos);
}

}  // namespace
}  // namespace arxivflow::remote
