# Partial configuration: tfctl supplies bucket, key (env/<environment>/terraform.tfstate), region and dynamodb_table at init.
terraform {
  backend "s3" {}
}
