# Partial configuration: tfctl supplies bucket, key (env/dev/terraform.tfstate), region and dynamodb_table at init.
terraform {
  backend "s3" {}
}
