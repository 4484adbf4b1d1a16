import { Module } from '@nestjs/common';
import { CaseFilesController } from './case-files.controller.js';
import { CaseFilesService } from './case-files.service.js';

@Module({ controllers: [CaseFilesController], providers: [CaseFilesService] })
export class CaseFilesModule {}
