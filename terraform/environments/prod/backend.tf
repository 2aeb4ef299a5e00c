# Partial configuration: tfctl supplies bucket, key (env/prod/terraform.tfstate), region and dynamodb_table at init.
terraform {
  backend "s3" {}
}
