#include "remote/xml_lite.h"

#include <gtest/gtest.h>

#include "remote/s3_xml.h"

namespace arxivflow::remote {
namespace {

TEST(XmlLite, ParsesElementsTextEntitiesAndNamespaces) {
  auto doc = ParseXml(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c --><r:Root xmlns:r=\"x\" a='1'>"
      "<A>1 &amp; 2 &lt;&#65;&#x42;&#x1F600;&gt;</A><B/><A>two</A><![CDATA[<raw>]]></r:Root>");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->name, "Root");
  EXPECT_EQ(doc->ChildText("A"), "1 & 2 <AB\xF0\x9F\x98\x80>");
  EXPECT_EQ(doc->Children("A").size(), 2u);
  EXPECT_NE(doc->Child("B"), nullptr);
  EXPECT_EQ(doc->text, "<raw>");
  EXPECT_EQ(doc->Find("B/C"), nullptr);
}

TEST(XmlLite, RejectsMalformedInput) {
  for (const char* bad : {"", "text", "<a>", "<a></b>", "<a><b></a></b>", "<a>&bogus;</a>", "<a>&#xZZ;</a>",
                          "<a x=1></a>", "<a></a><b></b>", "<a><!-- </a>", "<a>&#99999999;</a>", "<a"}) {
    EXPECT_FALSE(ParseXml(bad).ok()) << bad;
  }
}

TEST(XmlLite, LimitsDepth) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  for (int i = 0; i < 100; ++i) deep += "</a>";
  auto r = ParseXml(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nested too deeply"), std::string::npos);
}

TEST(S3Xml, ParsesErrorDocuments) {
  S3ErrorInfo e = ParseS3Error(
      "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist"
      "</Message><BucketName>nope</BucketName><RequestId>R1</RequestId></Error>");
  EXPECT_EQ(e.code, "NoSuchBucket");
  EXPECT_EQ(e.resource, "nope");
  EXPECT_EQ(e.request_id, "R1");
  EXPECT_EQ(ParseS3Error("").code, "");
  EXPECT_EQ(ParseS3Error("<html>oops</html>").code, "");
}

TEST(S3Xml, ParsesListObjectsV2Pages) {
  auto page = ParseListObjectsV2(
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>"
      "<Contents><Key>a/1</Key><Size>12</Size><ETag>&quot;e1&quot;</ETag></Contents>"
      "<Contents><Key>a/2</Key><Size>0</Size></Contents>"
      "<IsTruncated>true</IsTruncated><NextContinuationToken>tok</NextContinuationToken></ListBucketResult>");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].size, 12u);
  EXPECT_EQ(page->objects[0].etag, "\"e1\"");
  EXPECT_TRUE(page->is_truncated);
  EXPECT_EQ(page->next_continuation_token, "tok");

  EXPECT_FALSE(ParseListObjectsV2("<Error/>").ok());
  EXPECT_FALSE(ParseListObjectsV2("<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>").ok());
  EXPECT_FALSE(ParseListObjectsV2("<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents></ListBucketResult>").ok());
  EXPECT_FALSE(ParseListObjectsV2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>").ok());
}

TEST(S3Xml, MultipartBodies) {
  EXPECT_EQ(*ParseInitiateMultipartUpload("<InitiateMultipartUploadResult><UploadId>u1</UploadId></InitiateMultipartUploadResult>"), "u1");
  EXPECT_FALSE(ParseInitiateMultipartUpload("<InitiateMultipartUploadResult/>").ok());
  EXPECT_TRUE(CheckCompleteMultipartUpload("<CompleteMultipartUploadResult><ETag>x</ETag></CompleteMultipartUploadResult>").ok());
  Status st = CheckCompleteMultipartUpload("<Error><Code>InternalError</Code><Message>m</Message></Error>");
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("InternalError"), std::string::npos);
  EXPECT_EQ(BuildCompleteMultipartUploadBody({"\"a\"", "b"}),
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Part><PartNumber>1</PartNumber>"
            "<ETag>&quot;a&quot;</ETag></Part><Part><PartNumber>2</PartNumber><ETag>b</ETag></Part></CompleteMultipartUpload>");
}

}  // namespace
}  // namespace arxivflow::remote
